//! The command line: clap definitions and the only place that prints for humans.

/// Runs the command line and returns the process exit code.
pub fn run() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
