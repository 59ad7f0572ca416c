//! The words of the customer copy in the customer's language. The pick list stays in one
//! language: it is read by the depot, not by the customer.

use crate::domain::{Language, Unit};

pub struct Labels {
    pub title: &'static str,
    pub order_number: &'static str,
    pub date: &'static str,
    pub customer_number: &'static str,
    pub reference: &'static str,
    pub vat_id: &'static str,
    pub delivery_address: &'static str,
    pub handled_by: &'static str,
    pub quantity: &'static str,
    pub unit: &'static str,
    pub description: &'static str,
    pub price: &'static str,
    pub amount: &'static str,
    /// Before the quantity that follows later: "waarvan nalevering: 4 st".
    pub backorder: &'static str,
    pub subtotal: &'static str,
    /// The VAT abbreviation: "BTW", "VAT", "MwSt.", "TVA".
    pub vat: &'static str,
    /// Between the rate and its base: "BTW 21% over 100,00".
    pub vat_over: &'static str,
    pub total: &'static str,
    /// `chrono` format of a date in this language.
    pub date_format: &'static str,
}

pub fn labels(lang: Language) -> &'static Labels {
    match lang {
        Language::Nl => &NL,
        Language::En => &EN,
        Language::De => &DE,
        Language::Fr => &FR,
    }
}

const NL: Labels = Labels {
    title: "Orderbevestiging",
    order_number: "Ordernummer",
    date: "Datum",
    customer_number: "Klantnummer",
    reference: "Uw referentie",
    vat_id: "Uw btw-nummer",
    delivery_address: "Afleveradres",
    handled_by: "Behandeld door",
    quantity: "Aantal",
    unit: "Eenh.",
    description: "Omschrijving",
    price: "Prijs",
    amount: "Bedrag",
    backorder: "waarvan nalevering",
    subtotal: "Subtotaal excl. BTW",
    vat: "BTW",
    vat_over: "over",
    total: "Totaal incl. BTW",
    date_format: "%d-%m-%Y",
};

const EN: Labels = Labels {
    title: "Order confirmation",
    order_number: "Order number",
    date: "Date",
    customer_number: "Customer number",
    reference: "Your reference",
    vat_id: "Your VAT number",
    delivery_address: "Delivery address",
    handled_by: "Handled by",
    quantity: "Qty",
    unit: "Unit",
    description: "Description",
    price: "Price",
    amount: "Amount",
    backorder: "of which backordered",
    subtotal: "Subtotal excl. VAT",
    vat: "VAT",
    vat_over: "on",
    total: "Total incl. VAT",
    date_format: "%Y-%m-%d",
};

const DE: Labels = Labels {
    title: "Auftragsbestätigung",
    order_number: "Auftragsnummer",
    date: "Datum",
    customer_number: "Kundennummer",
    reference: "Ihre Referenz",
    vat_id: "Ihre USt-IdNr.",
    delivery_address: "Lieferadresse",
    handled_by: "Bearbeitet von",
    quantity: "Menge",
    unit: "Einh.",
    description: "Bezeichnung",
    price: "Preis",
    amount: "Betrag",
    backorder: "davon Rückstand",
    subtotal: "Zwischensumme netto",
    vat: "MwSt.",
    vat_over: "auf",
    total: "Gesamt inkl. MwSt.",
    date_format: "%d.%m.%Y",
};

const FR: Labels = Labels {
    title: "Confirmation de commande",
    order_number: "N° de commande",
    date: "Date",
    customer_number: "N° client",
    reference: "Votre référence",
    vat_id: "Votre n° TVA",
    delivery_address: "Adresse de livraison",
    handled_by: "Traité par",
    quantity: "Qté",
    unit: "Unité",
    description: "Désignation",
    price: "Prix",
    amount: "Montant",
    backorder: "dont en reliquat",
    subtotal: "Sous-total HT",
    vat: "TVA",
    vat_over: "sur",
    total: "Total TTC",
    date_format: "%d/%m/%Y",
};

/// The unit as the customer writes it.
pub fn unit_name(lang: Language, unit: Unit) -> &'static str {
    use Unit::*;
    match (lang, unit) {
        (_, Metre) => "m",
        (_, Kg) => "kg",
        (_, Litre) => "l",
        (Language::Nl, Piece) => "st",
        (Language::Nl, Box) => "doos",
        (Language::Nl, Pack) => "pak",
        (Language::Nl, Roll) => "rol",
        (Language::En, u) => u.short(),
        (Language::De, Piece) => "Stk.",
        (Language::De, Box) => "Karton",
        (Language::De, Pack) => "Pack",
        (Language::De, Roll) => "Rolle",
        (Language::Fr, Piece) => "pce",
        (Language::Fr, Box) => "boîte",
        (Language::Fr, Pack) => "paquet",
        (Language::Fr, Roll) => "rouleau",
    }
}
