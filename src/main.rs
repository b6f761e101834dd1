//! Entry point: everything happens in `relance::cli`.

fn main() -> std::process::ExitCode {
    relance::cli::run()
}
