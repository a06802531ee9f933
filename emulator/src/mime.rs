//! Content types by file extension, for static files and objects put without a Content-Type.

/// The MIME type for a path's extension (`application/octet-stream` when unknown).
pub fn for_path(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return "application/octet-stream",
    };
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" | "cjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "log" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "ts" | "mts" => "text/plain; charset=utf-8",
        "sql" => "application/sql",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp4" => "video/mp4",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        assert_eq!(for_path("pkg/x_bg.wasm"), "application/wasm");
        assert_eq!(for_path("a/b.MJS"), "text/javascript; charset=utf-8");
        assert_eq!(for_path("index.html"), "text/html; charset=utf-8");
        assert_eq!(for_path(".hidden"), "application/octet-stream");
        assert_eq!(for_path("noext"), "application/octet-stream");
        assert_eq!(for_path("dir.d/noext"), "application/octet-stream");
    }
}
