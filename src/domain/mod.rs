//! The pure core: everything that decides something about orders, prices, money, VAT, stock
//! and the order of the task queue.
//! No terminal, no database, no files here — so all of it is tested without either.

pub mod audit;
pub mod authority;
pub mod clerk;
pub mod crosssell;
pub mod customer;
pub mod entry;
pub mod money;
pub mod order;
pub mod phone;
pub mod pricing;
pub mod product;
pub mod queue;
pub mod search;
pub mod stock;
pub mod task;
pub mod usual;
pub mod vat;

pub use authority::{Approval, ApprovalReason, ApprovalScope, AuthorityLimits, NeedsApproval};
pub use clerk::{Attempt, Clerk, LockState, Role};
pub use crosssell::{
    AnchorStats, CandidateStock, CrossSellInput, PairStats, Suggestion, SuggestionKind, cross_sell,
};
pub use customer::{Address, ContactPerson, Country, CreditStatus, Customer, Language};
pub use money::{Money, MoneyError, Quantity, UnitPrice};
pub use order::{Draft, DraftLine, Order, OrderEvent, OrderLine, OrderStatus};
pub use pricing::{
    GroupDiscount, PriceAgreement, PriceBand, PriceSource, Promotion, QuantityBreak, ResolvedPrice,
};
pub use product::{Depot, Product, Supplier, Unit};
pub use queue::{CustomerValue, KindWeights, QueueWeights, Scored, rank, score};
pub use stock::{Allocation, Availability, Incoming, ShortPolicy, StockLevel};
pub use task::{Task, TaskKind, TaskStatus};
pub use usual::{Purchase, UsualItem, usual_items};
pub use vat::{Totals, VatClass};
