fn main() -> std::process::ExitCode {
    orderdesk::cli::main()
}
