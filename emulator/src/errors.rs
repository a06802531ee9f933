//! OSS error answers: HTTP status, code, message, extra elements and the `EC` code.

/// An OSS error, rendered as an `<Error>` body by [`crate::xml::error_body`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OssError {
    /// HTTP status.
    pub status: u16,
    /// OSS error code (`NoSuchBucket`).
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Extra `<Error>` children, in order (`BucketName`, `StringToSign`, ...).
    pub extra: Vec<(String, String)>,
}

impl OssError {
    /// An error with no extra elements.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        OssError {
            status,
            code: code.to_owned(),
            message: message.into(),
            extra: Vec::new(),
        }
    }

    /// Adds an extra `<name>value</name>` child.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.extra.push((name.to_owned(), value.into()));
        self
    }

    /// The `EC` code OSS attaches to this error. `0002-00000040` (SignatureDoesNotMatch) and
    /// `0016-00000502` (MissingArgument) are documented values; the others follow OSS's
    /// `<module>-<number>` shape but are the emulator's own.
    pub fn ec(&self) -> &'static str {
        match self.code.as_str() {
            "SignatureDoesNotMatch" => "0002-00000040",
            "InvalidAccessKeyId" => "0002-00000902",
            "RequestTimeTooSkewed" => "0002-00000504",
            "AccessDenied" => "0003-00000001",
            "InvalidSecurityToken" => "0002-00000903",
            "SecurityTokenExpired" => "0002-00000904",
            "AccessForbidden" => "0003-00000301",
            "NoSuchBucket" => "0015-00000101",
            "NoSuchKey" => "0026-00000001",
            "InvalidObjectName" => "0016-00000005",
            "EntityTooLarge" => "0016-00000201",
            "InvalidDigest" => "0016-00000202",
            "MalformedXML" => "0016-00000301",
            "InvalidArgument" => "0016-00000302",
            "MissingArgument" => "0016-00000502",
            "InvalidTargetBucket" => "0016-00000601",
            "InvalidTargetLocation" => "0016-00000602",
            "BucketReplicationAlreadyExist" => "0016-00000603",
            "TooManyReplicationRules" => "0016-00000604",
            "TooManyOutgoingReplication" => "0016-00000605",
            "ReplicationLocationNotSupportRtc" => "0016-00000606",
            "BucketReplicationNotSupportRtc" => "0016-00000607",
            "BucketReplicationInClosingStatus" => "0016-00000608",
            "NoSuchReplicationConfiguration" => "0016-00000609",
            "NoSuchReplicationRule" => "0016-00000610",
            "InvalidRange" => "0016-00000701",
            "MethodNotAllowed" => "0016-00000801",
            "NotImplemented" => "0016-00000802",
            "ServiceUnavailable" => "0016-00000901",
            _ => "0016-00000000",
        }
    }
}

/// 403 `AccessDenied`.
pub fn access_denied(message: impl Into<String>) -> OssError {
    OssError::new(403, "AccessDenied", message)
}

/// 400 `InvalidArgument` naming the argument.
pub fn invalid_argument(name: &str, value: &str, message: impl Into<String>) -> OssError {
    OssError::new(400, "InvalidArgument", message)
        .with("ArgumentName", name)
        .with("ArgumentValue", value)
}

/// 400 `MalformedXML` with a detail saying what is wrong.
pub fn malformed_xml(detail: impl AsRef<str>) -> OssError {
    OssError::new(
        400,
        "MalformedXML",
        format!(
            "The XML you provided was not well-formed or did not validate against our published schema: {}",
            detail.as_ref()
        ),
    )
}

/// 400 `MissingArgument`.
pub fn missing_argument(name: &str) -> OssError {
    OssError::new(400, "MissingArgument", "Missing Some Required Arguments.")
        .with("ArgumentName", name)
}

/// 404 `NoSuchBucket`.
pub fn no_such_bucket(bucket: &str) -> OssError {
    OssError::new(404, "NoSuchBucket", "The specified bucket does not exist.")
        .with("BucketName", bucket)
}

/// 404 `NoSuchKey`.
pub fn no_such_key(key: &str) -> OssError {
    OssError::new(404, "NoSuchKey", "The specified key does not exist.").with("Key", key)
}

/// 501 `NotImplemented`: an OSS feature the emulator does not provide.
pub fn not_implemented(what: &str) -> OssError {
    OssError::new(
        501,
        "NotImplemented",
        format!("{what} is not implemented by oss-emulator."),
    )
}

/// 405 `MethodNotAllowed`.
pub fn method_not_allowed(method: &str, resource: &str) -> OssError {
    OssError::new(
        405,
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
    )
    .with("Method", method)
    .with("ResourceType", resource)
}

/// 400 `InvalidDigest`.
pub fn invalid_digest(given: &str) -> OssError {
    OssError::new(
        400,
        "InvalidDigest",
        "The Content-MD5 you specified is not valid.",
    )
    .with("Content-MD5", given)
}

/// 400 `EntityTooLarge`.
pub fn entity_too_large(max: u64) -> OssError {
    OssError::new(
        400,
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size.",
    )
    .with("MaxSizeAllowed", max.to_string())
}

/// 500 `InternalError` (a storage failure); the detail is in the message.
pub fn internal(detail: impl std::fmt::Display) -> OssError {
    OssError::new(
        500,
        "InternalError",
        format!("We encountered an internal error. Please try again. ({detail})"),
    )
}
