//! Compress every compressible file of `dist/` beside itself (`x.wasm` → `x.wasm.gz`, `x.wasm.br`):
//! the server serves those with tower-http's `precompressed_*()` and compresses nothing at run time.
//!
//! Compression happens once per build, so both are as small as they get: gzip by zopfli (every
//! browser reads it; about 4.5 % smaller than zlib's best for our wasm) and brotli at quality 11
//! (browsers ask for it over HTTPS, which is how the board is deployed, and from localhost).

use anyhow::{Context, Result};
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

/// One file of the build and what it costs over the wire.
pub struct FileSize {
    /// Relative to `dist/`, with `/` separators.
    pub path: String,
    pub raw: u64,
    /// `None` when the file is not compressed (an image, a font, or gzip did not help).
    pub gzip: Option<u64>,
    /// The same for brotli.
    pub brotli: Option<u64>,
}

impl FileSize {
    /// What a browser that accepts gzip downloads.
    pub fn wire(&self) -> u64 {
        self.gzip.unwrap_or(self.raw)
    }

    /// What a browser that accepts brotli downloads.
    pub fn wire_brotli(&self) -> u64 {
        self.brotli.or(self.gzip).unwrap_or(self.raw)
    }
}

/// Text and wasm compress well; images and fonts are compressed already.
pub fn compressible(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    matches!(
        ext.to_ascii_lowercase().as_str(),
        "wasm"
            | "js"
            | "mjs"
            | "css"
            | "html"
            | "htm"
            | "svg"
            | "json"
            | "webmanifest"
            | "txt"
            | "xml"
            | "map"
            | "ico"
            | "ttf"
            | "otf"
    )
}

/// Zopfli's passes over a file. More passes gain little on the client's wasm (15 passes were
/// 0.02 % smaller than 5 and took twice as long).
const ZOPFLI_PASSES: u64 = 5;

/// Gzip, as small as zopfli makes it.
pub fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    let options = zopfli::Options {
        iteration_count: NonZeroU64::new(ZOPFLI_PASSES).expect("passes are not zero"),
        ..zopfli::Options::default()
    };
    let mut packed = Vec::with_capacity(data.len() / 3);
    zopfli::compress(options, zopfli::Format::Gzip, data, &mut packed)?;
    Ok(packed)
}

/// Brotli at its best quality and largest window.
pub fn brotli(data: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    let mut packed = Vec::with_capacity(data.len() / 3);
    brotli::BrotliCompress(&mut &data[..], &mut packed, &params)?;
    Ok(packed)
}

/// Writes `packed` beside `file` with `ext` appended when it is smaller than `raw`; its length.
fn write_beside(file: &Path, ext: &str, raw: usize, packed: Vec<u8>) -> Result<Option<u64>> {
    if packed.len() >= raw {
        return Ok(None);
    }
    let mut to = file.to_path_buf().into_os_string();
    to.push(ext);
    std::fs::write(&to, &packed)
        .with_context(|| format!("writing {}", Path::new(&to).display()))?;
    Ok(Some(packed.len() as u64))
}

/// Writes `x.gz` and `x.br` beside every compressible file under `dir` (each when it is smaller)
/// and returns the sizes of all files, sorted by path.
pub fn compress_dir(dir: &Path) -> Result<Vec<FileSize>> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    let mut sizes = Vec::new();
    for file in files {
        if file.extension().is_some_and(|e| e == "gz" || e == "br") {
            continue;
        }
        let data = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let (mut gzip_len, mut brotli_len) = (None, None);
        if compressible(&file) {
            gzip_len = write_beside(&file, ".gz", data.len(), gzip(&data)?)?;
            brotli_len = write_beside(&file, ".br", data.len(), brotli(&data)?)?;
        }
        let path = file
            .strip_prefix(dir)
            .expect("walk stays below dir")
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        sizes.push(FileSize {
            path,
            raw: data.len() as u64,
            gzip: gzip_len,
            brotli: brotli_len,
        });
    }
    Ok(sizes)
}

/// Every file below `dir`, recursively.
pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    #[test]
    fn gzip_round_trips() {
        let text = "koersbord ".repeat(100);
        let packed = gzip(text.as_bytes()).unwrap();
        assert!(packed.len() < text.len());
        let mut back = String::new();
        GzDecoder::new(&packed[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn gzip_is_no_larger_than_zlib_at_its_best() {
        let text: String = (0..2000)
            .map(|i| format!("<li id=\"{i}\">{}</li>", i * 7 % 13))
            .collect();
        let mut zlib = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut zlib, text.as_bytes()).unwrap();
        let zlib = zlib.finish().unwrap();
        assert!(gzip(text.as_bytes()).unwrap().len() <= zlib.len());
    }

    #[test]
    fn only_text_and_wasm_are_compressed() {
        assert!(compressible(Path::new("a/x_bg.wasm")));
        assert!(compressible(Path::new("index.HTML")));
        assert!(!compressible(Path::new("logo.png")));
        assert!(!compressible(Path::new("font.woff2")));
        assert!(!compressible(Path::new("x.wasm.gz")));
    }

    #[test]
    fn brotli_round_trips() {
        let text = "koersbord ".repeat(100);
        let packed = brotli(text.as_bytes()).unwrap();
        assert!(packed.len() < text.len());
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
    }

    #[test]
    fn compress_dir_writes_beside_and_skips_what_does_not_shrink() {
        let dir = std::env::temp_dir().join(format!("xtask-gzip-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("big.js"), "let a = 1;\n".repeat(200)).unwrap();
        std::fs::write(dir.join("sub/tiny.css"), "a{}").unwrap();
        std::fs::write(dir.join("pic.png"), [0u8; 500]).unwrap();
        let sizes = compress_dir(&dir).unwrap();
        let paths: Vec<_> = sizes.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["big.js", "pic.png", "sub/tiny.css"]);
        assert!(dir.join("big.js.gz").is_file() && dir.join("big.js.br").is_file());
        assert!(!dir.join("sub/tiny.css.gz").exists() && !dir.join("sub/tiny.css.br").exists());
        assert!(!dir.join("pic.png.gz").exists() && !dir.join("pic.png.br").exists());
        assert!(sizes[0].brotli.unwrap() < sizes[0].raw);
        assert!(sizes[0].gzip.unwrap() < sizes[0].raw);
        assert_eq!(sizes[2].wire(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
