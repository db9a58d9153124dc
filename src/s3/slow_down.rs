//! What an answer that asks Pail to slow down looks like: its error codes and statuses. A
//! leaf, read by the error mapping (`transfer.rs`) and the throttle watch (`throttle.rs`).

/// The error codes servers use to say "slow down" (S3, and S3-compatible servers that speak
/// like other AWS services).
const THROTTLE_CODES: &[&str] = &[
    "SlowDown",
    "SlowDownRead",
    "SlowDownWrite",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequests",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "BandwidthLimitExceeded",
];

/// What to call an answer that asks Pail to slow down (its error code, or its HTTP status
/// when it has none, as a HEAD's answer), or `None` for any other answer.
pub(super) fn throttle_code(status: u16, code: Option<&str>) -> Option<String> {
    let named = code.filter(|c| THROTTLE_CODES.contains(c));
    match (status, named, code) {
        (_, Some(code), _) => Some(code.to_owned()),
        (503 | 429, None, Some(code)) => Some(format!("{status} {code}")),
        (503 | 429, None, None) => Some(status.to_string()),
        _ => None,
    }
}
