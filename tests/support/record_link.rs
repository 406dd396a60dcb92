//! The end-to-end tests' browser: the app's opener hands it each link it opens (as `$BROWSER`
//! through `xdg-open` on Linux, as `PMI_DESK_OPEN_WITH` elsewhere). It appends the link to the
//! file named by `PMI_DESK_TEST_OPENED`, one per line, and opens nothing.
//!
//! With `PMI_DESK_TEST_SIGN_IN` it also plays the person on Zoom's sign-in page when the link is
//! one: `follow` approves at once (the redirects lead back to the app's loopback listener),
//! `deny` refuses on the consent page, and `forge` comes back with another `state` than the
//! app's.

use std::io::Write;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let link = std::env::args()
        .nth(1)
        .context("usage: record-link <link>")?;
    let file =
        std::env::var_os("PMI_DESK_TEST_OPENED").context("PMI_DESK_TEST_OPENED is not set")?;
    let mut opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .with_context(|| format!("cannot open {}", file.to_string_lossy()))?;
    writeln!(opened, "{link}")?;
    drop(opened);

    let play = std::env::var("PMI_DESK_TEST_SIGN_IN").unwrap_or_default();
    let Some((site, _)) = link.split_once("/oauth/authorize") else {
        return Ok(());
    };
    if play.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(sign_in(&play, site, &link))
}

async fn sign_in(play: &str, site: &str, link: &str) -> Result<()> {
    // The sign-in page and the app's listener are both on loopback: never through a proxy.
    let following = pmi_desk_e2e::http_builder().no_proxy().build()?;
    let staying = pmi_desk_e2e::http_builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    match play {
        "follow" => {
            following.get(link).send().await?;
        }
        "deny" => {
            let page = following
                .get(link)
                .send()
                .await?
                .error_for_status()?
                .text()
                .await?;
            let ticket = form_value(&page, "ticket").context("the consent page has no ticket")?;
            following
                .post(format!("{site}/oauth/authorize"))
                .form(&[("ticket", ticket), ("decision", "deny")])
                .send()
                .await?;
        }
        "forge" => {
            let answer = staying.get(link).send().await?;
            let back = answer
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .context("the sign-in page sent nobody back")?;
            let mut back = url::Url::parse(back)?;
            let pairs: Vec<(String, String)> = back
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "state" { "forged".into() } else { v };
                    (k.into_owned(), v.into_owned())
                })
                .collect();
            back.query_pairs_mut().clear().extend_pairs(pairs);
            staying.get(back).send().await?;
        }
        other => bail!("PMI_DESK_TEST_SIGN_IN={other}: expected follow, deny or forge"),
    }
    Ok(())
}

/// The value of the hidden form field `name` in `page` (`name="ticket" value="…"`).
fn form_value<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let after = &page[page.find(&format!("name=\"{name}\" value=\""))?..];
    let value = &after[after.find("value=\"")? + "value=\"".len()..];
    Some(&value[..value.find('"')?])
}
