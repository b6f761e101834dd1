//! The command line: clap definitions, dispatch and exit codes. The only
//! place that prints for humans.
//!
//! Exit codes: 0 success, 1 runtime failure, 2 bad usage (clap), 78
//! (EX_CONFIG) for a bad configuration so systemd does not restart-loop.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};

use crate::clock::Clock;
use crate::config::{self, Config};

mod ledger;
mod preview;
mod report;
mod tools;

/// Chases unpaid invoices from your own mailbox.
#[derive(Debug, Parser)]
#[command(name = "relance", version, about)]
pub struct Cli {
    /// Configuration file [default: /etc/relance/relance.toml].
    #[arg(long, global = true, env = "RELANCE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Replace the wall clock with this instant (RFC 3339), for what-if runs.
    #[arg(long, global = true, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon.
    Run {
        /// One full cycle (sync, plan, send what is due), then exit.
        #[arg(long)]
        once: bool,
    },
    /// Validate the configuration and summarise what the daemon would do.
    CheckConfig,
    /// Every tracked invoice and what happens next.
    Status(JsonFlag),
    /// One invoice, its thread and its full audit log.
    Show {
        /// Invoice number, or CLIENT_EMAIL:NUMBER when several clients use
        /// the number (the error lists them in that form).
        invoice: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Invoices sent outside the mailbox.
    #[command(subcommand)]
    Invoice(InvoiceCommand),
    /// Import invoices from a CSV file (number,client_email,client_name,amount,currency,issue_date,due_date).
    ///
    /// The header line is required and names the columns, in any order;
    /// client_name, currency and due_date may be left out or empty (the
    /// address, detect.default-currency, issue date + payment terms).
    /// Comma or semicolon separated; dates YYYY-MM-DD or DD/MM/YYYY; amounts
    /// 1250.00 or "1 250,00". Every bad line is reported and nothing is
    /// imported unless all lines are good; importing a file again skips the
    /// invoices already recorded.
    Import { file: PathBuf },
    /// Record that an invoice was paid (in full, or `--amount` for part of it).
    Paid {
        /// Invoice number, or CLIENT_EMAIL:NUMBER when several clients use
        /// the number (the error lists them in that form).
        invoice: String,
        /// The amount received (1250.00 or "1 250,00"), for a partial payment.
        #[arg(long)]
        amount: Option<String>,
    },
    /// Record a payment promise: the ladder waits until DATE plus the grace delay.
    Promise {
        /// Invoice number, or CLIENT_EMAIL:NUMBER when several clients use
        /// the number (the error lists them in that form).
        invoice: String,
        /// The promised date, YYYY-MM-DD.
        date: NaiveDate,
    },
    /// Pause reminders for a client (email, domain or name) or an invoice.
    Pause {
        /// An invoice number (or CLIENT_EMAIL:NUMBER), a client's email
        /// address, its domain (client.fr or @client.fr) or its name.
        target: String,
    },
    /// Resume reminders for a client or an invoice.
    Resume {
        /// As for `pause`: invoice, client email, domain or name.
        target: String,
    },
    /// Allow the formal notice (step 5) for this invoice's client.
    ConfirmNotice {
        /// Invoice number, or CLIENT_EMAIL:NUMBER when several clients use
        /// the number (the error lists them in that form).
        invoice: String,
    },
    /// The plan the engine would follow from the current state.
    Simulate {
        /// First day of the plan (local); default: now.
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day of the plan (local, inclusive); default: 60 days after the start.
        #[arg(long)]
        until: Option<NaiveDate>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Render the message the next step (or step N) would send.
    Preview {
        invoice: String,
        #[arg(long)]
        step: Option<u8>,
        #[arg(long)]
        at: Option<NaiveDate>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Is each message an invoice? Works without a configuration.
    Detect {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// What does each reply say? Works without a configuration.
    Classify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Run the whole pipeline on the built-in sample mailbox, offline.
    Demo {
        /// Write every outgoing message as .eml into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Add one invoice by hand.
    Add {
        #[arg(long)]
        number: String,
        #[arg(long)]
        client_email: String,
        #[arg(long)]
        client_name: Option<String>,
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[arg(long)]
        issue_date: NaiveDate,
        /// Defaults to the issue date plus the configured payment terms.
        #[arg(long)]
        due_date: Option<NaiveDate>,
    },
}

#[derive(Debug, Args, Clone, Copy)]
pub struct JsonFlag {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("expected an RFC 3339 instant such as 2026-03-02T09:00:00+01:00: {e}"))
}

/// Commands that print end quietly when their reader goes away (`relance
/// status | head`), as Unix tools do. The Rust runtime ignores SIGPIPE so
/// writes fail with EPIPE instead; the daemon keeps that, since a dropped
/// server connection must be an error, not a death.
fn restore_sigpipe() {
    // SAFETY: called once at start-up, before any thread is spawned;
    // resetting a signal disposition to its default has no other effect.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// EX_CONFIG from sysexits.h: systemd's `RestartPreventExitStatus=78`.
const EXIT_CONFIG: u8 = 78;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Run { .. }) {
        restore_sigpipe();
    }
    let clock = cli.now.map_or_else(Clock::system, Clock::fixed);
    match dispatch(&cli, &clock) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("relance: {err:#}");
            if err.downcast_ref::<config::Error>().is_some() {
                ExitCode::from(EXIT_CONFIG)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

const DEFAULT_CONFIG: &str = "/etc/relance/relance.toml";

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let path = cli
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    let config = Config::load(&path)?;
    for warning in &config.warnings {
        eprintln!("relance: warning: {warning}");
    }
    Ok(config)
}

/// `relance run`: logs to stderr as configured, then the daemon on a tokio
/// runtime of its own, stopped by SIGTERM or SIGINT.
fn run_daemon(cli: &Cli, clock: &Clock, once: bool) -> anyhow::Result<ExitCode> {
    let config = load_config(cli)?;
    init_tracing(&config.logging);
    limit_malloc_arenas();
    // The store and the parser have threads of their own; the blocking
    // pool opens the store, reloads the configuration and runs secret
    // commands.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let opts = crate::daemon::RunOptions { once };
    runtime.block_on(crate::daemon::run(config, clock.clone(), shutdown, opts))?;
    // Blocking tasks (a secret command, a store write) get a bounded time.
    runtime.shutdown_timeout(crate::daemon::STOP_GRACE);
    Ok(ExitCode::SUCCESS)
}

/// glibc gives each thread that allocates an arena of its own, up to eight
/// per core, and each keeps its peak: the daemon's threads take turns on
/// the same work, so two arenas hold the same data in far less memory.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called before the runtime starts any thread; mallopt only
    // changes a glibc tunable.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// The `[logging]` settings: a tracing filter (`RUST_LOG` wins when set),
/// text or JSON lines, on stderr (journald adds its own timestamps).
fn init_tracing(logging: &config::Logging) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&logging.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match logging.format {
        config::LogFormat::Text => builder.try_init(),
        config::LogFormat::Json => builder.json().try_init(),
    };
}

/// `detect` and `classify` work without a configuration: the file named by
/// `--config` when given, else the default file when it exists, else the
/// built-in defaults.
fn tool_config(cli: &Cli) -> anyhow::Result<Config> {
    if cli.config.is_some() || std::path::Path::new(DEFAULT_CONFIG).exists() {
        load_config(cli)
    } else {
        Ok(Config::default_for_tools())
    }
}

/// The configuration, the daemon's database and "now", for a command that
/// only reads.
fn reading(cli: &Cli, clock: &Clock) -> anyhow::Result<ledger::Session> {
    ledger::Session::open(load_config(cli)?, clock.now())
}

/// Same as [`reading`] for a command that writes (records the first run date).
fn writing(cli: &Cli, clock: &Clock) -> anyhow::Result<ledger::Session> {
    ledger::Session::open_for_writing(load_config(cli)?, clock.now())
}

fn dispatch(cli: &Cli, clock: &Clock) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::CheckConfig => {
            let config = load_config(cli)?;
            println!("{}", config.summary());
            // The templates are part of the configuration: compile them too.
            crate::pipeline::Pipeline::new(config)?;
            println!("Templates: all compiled and test-rendered");
            Ok(ExitCode::SUCCESS)
        }
        Command::Detect { files, json } => tools::detect(&tool_config(cli)?, files, json.json),
        Command::Classify { files, json } => tools::classify(files, json.json),
        Command::Run { once } => run_daemon(cli, clock, *once),
        Command::Status(json) => report::status(&reading(cli, clock)?, json.json),
        Command::Show { invoice, json } => report::show(&reading(cli, clock)?, invoice, json.json),
        Command::Simulate { from, until, json } => {
            report::simulate(&reading(cli, clock)?, *from, *until, json.json)
        }
        Command::Invoice(cmd) => ledger::invoice(&writing(cli, clock)?, cmd),
        Command::Import { file } => ledger::import(&writing(cli, clock)?, file),
        Command::Paid { invoice, amount } => {
            ledger::paid(&writing(cli, clock)?, invoice, amount.as_deref())
        }
        Command::Promise { invoice, date } => {
            ledger::promise(&writing(cli, clock)?, invoice, *date)
        }
        Command::Pause { target } => ledger::pause(&writing(cli, clock)?, target, true),
        Command::Resume { target } => ledger::pause(&writing(cli, clock)?, target, false),
        Command::ConfirmNotice { invoice } => {
            ledger::confirm_notice(&writing(cli, clock)?, invoice)
        }
        Command::Demo { out } => {
            let out = out.clone().unwrap_or_else(|| PathBuf::from("demo-out"));
            let report = crate::demo::run(&out)?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Preview {
            invoice,
            step,
            at,
            out,
        } => preview::preview(
            &reading(cli, clock)?,
            &preview::Request {
                invoice,
                step: *step,
                at: *at,
                out: out.as_deref(),
            },
        ),
    }
}
