//! `cargo xtask build`: the wasm client into `dist/`.
//!
//! 1. check that Cargo.lock pins one wasm-bindgen version for the library and the CLI support;
//! 2. (the `wasm32-unknown-unknown` target is ensured by the stage before, see `plan.rs`)
//! 3. `cargo build -p koersbord-frontend --target wasm32-unknown-unknown --profile wasm-release`
//!    twice (`.cargo/config.toml` adds `--cfg erase_components` for this target: Leptos type-erases
//!    views): with `--no-default-features` the participant's client, then the full one;
//! 4. wasm-bindgen (as a library, `--target web`) for each: `dist/koersbord-participant-HASH` and
//!    `dist/koersbord-frontend-HASH` (`.js` glue, `_bg.wasm`);
//! 5. `dist/boot-HASH.js` (starts the participant's client on a join link `/j/…`, the full one on
//!    every other page), a copy of `frontend/static/**` with the stylesheets `frontend/index.html`
//!    links joined into one `styles-HASH.css`, and from that template two pages: `dist/join.html`
//!    (a join link's, preloading the participant's client) and `dist/index.html` (every other
//!    page's, preloading the full one);
//! 6. gzip (zopfli) and brotli beside every text and wasm file, and print the sizes.
//!
//! Everything but the two pages (and the unversioned names of static files) carries a content hash
//! in its name or URL, so the server may cache it forever.

use crate::toolchain::WASM_TARGET;
use crate::util::{self, cargo, run};
use crate::{compress, html, lockfile, styles};
use anyhow::{Context, Result, bail};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const PACKAGE: &str = "koersbord-frontend";
pub const PROFILE: &str = "wasm-release";

/// The page the server answers a join link with (`server/src/http/static_files.rs`): the same
/// template as `index.html`, preloading the participant's client instead of the full one.
pub const JOIN_PAGE: &str = "join.html";

/// The two clients built from the frontend crate: the file stem, the features, what it is for.
pub const BUNDLES: [(&str, &[&str]); 2] = [
    // First: the full build last leaves its wasm where a plain `cargo build` would.
    ("koersbord-participant", &["--no-default-features"]),
    ("koersbord-frontend", &[]),
];

/// Builds the client into `dist/` and returns that directory (absolute).
pub fn build() -> Result<PathBuf> {
    let start = Instant::now();
    let root = util::root();

    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let bindgen_version = lockfile::check_bindgen(&lock)?;

    // Both wasm builds first (a feature switch relinks the crate), each copied aside.
    let mut inputs = Vec::new();
    for (name, features) in BUNDLES {
        let built = build_wasm(PACKAGE, features)?;
        let kept = built.with_file_name(format!("{name}-bundle.wasm"));
        std::fs::copy(&built, &kept).with_context(|| format!("copying {}", built.display()))?;
        inputs.push((name, kept));
    }

    let dist = util::dist_dir();
    if dist.exists() {
        std::fs::remove_dir_all(&dist).with_context(|| format!("clearing {}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist)?;

    let mut bundles = Vec::new();
    for (name, wasm) in &inputs {
        let input = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
        let hash = short_hash(&(bindgen_version.as_str(), &input[..]));
        let stem = format!("{name}-{hash}");
        println!("$ wasm-bindgen {bindgen_version} --target web → dist/{stem}.js");
        bindgen(wasm, &stem, &dist)?;
        bundles.push(html::Bundle {
            glue: format!("/{stem}.js"),
            wasm: format!("/{stem}_bg.wasm"),
        });
    }

    // The boot module is named after its content, which names both clients' glue and wasm.
    let [participant, full] = <[html::Bundle; 2]>::try_from(bundles).expect("two bundles");
    let boot_code = html::boot_js(&participant, &full);
    let boot = format!("/boot-{}.js", short_hash(boot_code.as_str()));
    std::fs::write(dist.join(&boot[1..]), boot_code)?;

    let frontend = root.join("frontend");
    let mut statics = copy_static(&frontend.join("static"), &dist)?;
    let template_path = frontend.join("index.html");
    let template = match std::fs::read_to_string(&template_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => html::DEFAULT_TEMPLATE.to_string(),
        Err(e) => return Err(e).context(format!("reading {}", template_path.display())),
    };
    let inline = html::inline_scripts(&template);
    if inline > 0 {
        println!(
            "warning: frontend/index.html has {inline} inline <script> element(s): \
             the Content-Security-Policy will refuse to run them"
        );
    }
    let template = join_stylesheets(&template, &dist, &mut statics)?;
    for (page_name, client) in [(JOIN_PAGE, &participant), ("index.html", &full)] {
        let page = html::render(&template, &boot, client, &statics);
        std::fs::write(dist.join(page_name), page)?;
    }

    let sizes = compress::compress_dir(&dist)?;
    print_sizes(&sizes);
    println!(
        "client built in {} → {}",
        util::duration(start.elapsed()),
        dist.display()
    );
    Ok(dist)
}

/// Builds `package` for wasm32 with the client's profile and `features`; returns the wasm cargo
/// wrote (before wasm-bindgen).
pub fn build_wasm(package: &str, features: &[&str]) -> Result<PathBuf> {
    let mut args = vec![
        "build",
        "-p",
        package,
        "--target",
        WASM_TARGET,
        "--profile",
        PROFILE,
    ];
    args.extend_from_slice(features);
    run(cargo(args))?;
    Ok(util::target_dir()
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{package}.wasm")))
}

/// `stem.js` (the glue) and `stem_bg.wasm` in `out` from the wasm cargo built: what a browser loads.
pub fn bindgen(wasm: &Path, stem: &str, out: &Path) -> Result<()> {
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(wasm)
        .out_name(stem)
        .web(true)?
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(out)
        .context("wasm-bindgen")
}

/// Joins the stylesheets the template links into one `dist/styles-HASH.css` (see `styles.rs`):
/// the parts leave `dist/` and `statics`, and the template links the whole.
fn join_stylesheets(
    template: &str,
    dist: &Path,
    statics: &mut Vec<(String, String)>,
) -> Result<String> {
    let links: Vec<_> = styles::linked(template)
        .into_iter()
        .filter(|(href, _)| statics.iter().any(|(path, _)| path == href))
        .collect();
    if links.is_empty() {
        return Ok(template.to_string());
    }
    let mut parts = Vec::new();
    for (href, _) in &links {
        let file = dist.join(&href[1..]);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        std::fs::remove_file(&file)?;
        parts.push((href.clone(), text));
    }
    statics.retain(|(path, _)| !links.iter().any(|(href, _)| href == path));
    let css = styles::join(&parts);
    let bundle = format!("/styles-{}.css", short_hash(css.as_str()));
    std::fs::write(dist.join(&bundle[1..]), css)?;
    Ok(styles::relink(template, &links, &bundle))
}

/// Copies `frontend/static/**` into `dist/`; returns (URL path, content hash) of each file.
fn copy_static(from: &Path, dist: &Path) -> Result<Vec<(String, String)>> {
    if !from.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    compress::walk(from, &mut files)?;
    files.sort();
    let mut statics = Vec::new();
    for file in files {
        let rel = file.strip_prefix(from).expect("walk stays below from");
        let to = dist.join(rel);
        if to.exists() || rel == Path::new("index.html") {
            bail!(
                "frontend/static/{} collides with a file xtask writes into dist/",
                rel.display()
            );
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let data = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        std::fs::write(&to, &data).with_context(|| format!("writing {}", to.display()))?;
        let url = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        statics.push((format!("/{url}"), short_hash(&data[..])));
    }
    Ok(statics)
}

/// Ten hex digits of a content hash: enough to tell builds apart, short enough to read.
fn short_hash<T: Hash + ?Sized>(value: &T) -> String {
    // `DefaultHasher::new()` has fixed keys: the same input gives the same name on every build
    // with this toolchain (a new toolchain may change it, which only costs one cache miss).
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    format!("{:016x}", hasher.finish())[..10].to_string()
}

fn print_sizes(sizes: &[compress::FileSize]) {
    let width = sizes.iter().map(|s| s.path.len()).max().unwrap_or(4).max(4);
    println!(
        "\n  {:width$}  {:>10}  {:>10}  {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let or_dash = |n: Option<u64>| n.map_or("-".to_string(), util::size);
    for s in sizes {
        println!(
            "  {:width$}  {:>10}  {:>10}  {:>10}",
            s.path,
            util::size(s.raw),
            or_dash(s.gzip),
            or_dash(s.brotli)
        );
    }
    let sum = |ext: &str| {
        sizes
            .iter()
            .filter(|s| s.path.ends_with(ext))
            .fold((0, 0), |(raw, wire), s| (raw + s.raw, wire + s.wire()))
    };
    let (wasm_raw, wasm_gz) = sum(".wasm");
    let (js_raw, js_gz) = sum(".js");
    let total: u64 = sizes.iter().map(compress::FileSize::wire).sum();
    let total_br: u64 = sizes.iter().map(compress::FileSize::wire_brotli).sum();
    println!(
        "\n  wasm {} (gzip {}) · JS {} (gzip {}) · everything over the wire, gzip: {}, brotli: {}\n",
        util::size(wasm_raw),
        util::size(wasm_gz),
        util::size(js_raw),
        util::size(js_gz),
        util::size(total),
        util::size(total_br)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_short() {
        let a = short_hash(&("0.2.130", &b"wasm"[..]));
        assert_eq!(a.len(), 10);
        assert_eq!(a, short_hash(&("0.2.130", &b"wasm"[..])));
        assert_ne!(a, short_hash(&("0.2.131", &b"wasm"[..])));
    }

    #[test]
    fn static_files_are_copied_with_their_hash() {
        let base = std::env::temp_dir().join(format!("xtask-static-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (from, dist) = (base.join("static"), base.join("dist"));
        std::fs::create_dir_all(from.join("img")).unwrap();
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(from.join("style.css"), "body{}").unwrap();
        std::fs::write(from.join("img/logo.svg"), "<svg/>").unwrap();
        let statics = copy_static(&from, &dist).unwrap();
        let paths: Vec<_> = statics.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["/img/logo.svg", "/style.css"]);
        assert_eq!(
            std::fs::read_to_string(dist.join("img/logo.svg")).unwrap(),
            "<svg/>"
        );
        assert_eq!(statics[1].1, short_hash(&b"body{}"[..]));
        std::fs::write(from.join("index.html"), "x").unwrap();
        assert!(copy_static(&from, &base.join("dist2")).is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
