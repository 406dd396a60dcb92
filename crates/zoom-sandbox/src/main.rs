//! `zoom-sandbox`: the local Zoom-compatible service on its own, for tests and development.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use zoom_sandbox::{Config, Consent, Sandbox};

/// A local service that speaks Zoom's REST API v2 (under /v2) and OAuth (under /oauth).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on; must be loopback unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1:9494")]
    listen: SocketAddr,
    /// Folder for the SQLite database (created if missing).
    #[arg(long)]
    data: PathBuf,
    /// OAuth client ID apps sign in with.
    #[arg(long, default_value = zoom_sandbox::DEFAULT_CLIENT_ID)]
    client_id: String,
    /// OAuth client secret for the account-credentials grant.
    #[arg(long, default_value = zoom_sandbox::DEFAULT_CLIENT_SECRET, env = "ZOOM_SANDBOX_CLIENT_SECRET", hide_env_values = true)]
    client_secret: String,
    /// Account ID for the account-credentials grant.
    #[arg(long, default_value = zoom_sandbox::DEFAULT_ACCOUNT_ID)]
    account_id: String,
    /// Meeting creates plus updates allowed per user per UTC day.
    #[arg(long, default_value_t = zoom_sandbox::DEFAULT_DAILY_MEETING_LIMIT)]
    daily_limit: u32,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, default_value_t = zoom_sandbox::DEFAULT_TOKEN_TTL_SECS)]
    token_ttl: i64,
    /// Serve POST/DELETE /_sandbox/faults to inject latency, errors and dropped connections.
    #[arg(long)]
    enable_faults: bool,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    allow_remote: bool,
    /// A public OAuth client ID (no secret, PKCE), as a Zoom app with "Public Client OAuth" on.
    #[arg(long)]
    public_client_id: Option<String>,
    /// Approve sign-ins at once instead of showing the consent page (automated tests).
    #[arg(long)]
    auto_approve: bool,
    /// The user's name on first start.
    #[arg(long, default_value = "Local User")]
    display_name: String,
    /// The user's email on first start.
    #[arg(long, default_value = "you@pmidesk.example.com")]
    email: String,
    /// The user's time zone on first start (IANA name).
    #[arg(long, default_value = "UTC")]
    timezone: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "zoom_sandbox=info".into()),
        )
        .init();
    let args = Args::parse();
    let mut config = Config::new(args.data);
    config.listen = args.listen;
    config.client_id = args.client_id;
    config.client_secret = args.client_secret;
    config.account_id = args.account_id;
    config.daily_meeting_limit = args.daily_limit;
    config.token_ttl_secs = args.token_ttl;
    config.enable_faults = args.enable_faults;
    config.allow_remote = args.allow_remote;
    config.timezone = args.timezone;
    config.public_client_id = args.public_client_id;
    // Unlike the app's embedded account, the service on its own plays Zoom's sign-in.
    config.authorize = Some(if args.auto_approve {
        Consent::AutoApprove
    } else {
        Consent::Ask
    });
    config.display_name = args.display_name;
    config.email = args.email;
    let sandbox = Sandbox::start(config).await?;
    println!("zoom-sandbox listening on {}", sandbox.base_url());
    tokio::signal::ctrl_c().await?;
    sandbox.stop().await;
    Ok(())
}
