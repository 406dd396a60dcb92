//! A proxy in the environment (HTTP_PROXY and friends, with no NO_PROXY) must not see the local
//! service's traffic: its secret and tokens would pass through it in clear, and a proxy cannot
//! reach this computer's loopback address anyway. One test in its own binary, because it sets
//! the process environment before anything else runs.

// A test fails by panicking, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use zoom_api::{ClientConfig, Credentials, SecretString, ZoomClient};
use zoom_sandbox::{Config, Sandbox};

#[test]
fn the_local_service_is_reached_directly_whatever_proxy_is_set() {
    // A proxy that does not exist: anything sent to it fails.
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(name, "http://127.0.0.1:9");
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::start(Config::new(dir.path())).await.unwrap();
        let config = ClientConfig::local(sandbox.base_url()).unwrap();
        let c = sandbox.config();
        let zoom = ZoomClient::new(
            config.http_client().unwrap(),
            config,
            Credentials::AccountCredentials {
                account_id: c.account_id.clone(),
                client_id: c.client_id.clone(),
                client_secret: SecretString::from(c.client_secret.clone()),
            },
        );
        let me = zoom.me().await.expect("reached without the proxy");
        assert!(me.pmi.is_some());
    });
}
