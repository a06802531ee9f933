//! XML answers: the library's writer with the declaration OSS puts first, and
//! `<Error>` bodies. Request bodies are read with the library's parser
//! (`oss_replication::xml::parse_document`), the same one the client uses.

use oss_replication::xml::XmlWriter;

use crate::errors::OssError;

/// A new answer document, starting with `<?xml version="1.0" encoding="UTF-8"?>`.
pub fn document() -> XmlWriter {
    let mut w = XmlWriter::default();
    w.declaration();
    w
}

/// The `<Error>` body for `err`.
pub fn error_body(err: &OssError, request_id: &str, host_id: &str) -> String {
    let mut w = document();
    w.open("Error")
        .leaf("Code", &err.code)
        .leaf("Message", &err.message)
        .leaf("RequestId", request_id)
        .leaf("HostId", host_id);
    for (k, v) in &err.extra {
        w.leaf(k, v);
    }
    let ec = err.ec();
    w.leaf("EC", ec).leaf(
        "RecommendDoc",
        &format!("https://api.aliyun.com/troubleshoot?q={ec}"),
    );
    w.close("Error");
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_every_field() {
        let e = OssError::new(404, "NoSuchBucket", "gone").with("BucketName", "a<b");
        let body = error_body(&e, "RID", "host");
        assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        assert!(body.contains("<Code>NoSuchBucket</Code>"));
        assert!(body.contains("<BucketName>a&lt;b</BucketName>"));
        assert!(body.contains("<EC>0015-00000101</EC>"));
        assert!(body.contains(
            "<RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc>"
        ));
    }
}
