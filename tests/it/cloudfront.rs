//! CloudFront signed URLs against botocore's `CloudFrontSigner` (vectors made by
//! `python3 tests/vectors/botocore_cloudfront.py` with the test key beside it), and checked
//! with the public key as CloudFront checks them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pail::share::cloudfront::{
    CloudFrontError, CloudFrontKey, CloudFrontPolicy, sign_url, verify_url,
};

const KEY_ID: &str = "K2JCJMDEHXQW5F";

fn key() -> CloudFrontKey {
    let pem = std::fs::read_to_string("tests/vectors/cloudfront_test_key.pem").unwrap();
    CloudFrontKey::from_pem(KEY_ID, &pem).unwrap()
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Before every vector's start and expiry.
fn now() -> SystemTime {
    at(1_790_000_000)
}

#[test]
fn urls_are_byte_equal_to_botocores_and_verify_with_the_public_key() {
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/vectors/cloudfront.json").unwrap())
            .unwrap();
    let key = key();
    let public = key.public_key();
    let vectors = vectors.as_array().unwrap();
    assert_eq!(vectors.len(), 5);
    for vector in vectors {
        let name = vector["name"].as_str().unwrap();
        let policy = CloudFrontPolicy::new(
            at(vector["expires"].as_u64().unwrap()),
            vector["not_before"].as_u64().map(at),
            vector["ip"].as_str().map(str::to_owned),
        );
        let url = vector["url"].as_str().unwrap();
        let signed = sign_url(url, &key, &policy, now()).unwrap();
        assert_eq!(signed, vector["signed"].as_str().unwrap(), "{name}");
        assert!(
            verify_url(&signed, &public),
            "{name}: the signature verifies"
        );
        // A changed expiry or path no longer verifies.
        let tampered = signed.replace("Expires=1811851200", "Expires=1811851201");
        if tampered != signed {
            assert!(!verify_url(&tampered, &public), "{name}: tampered expiry");
        }
        let path_at = signed.find("://").unwrap() + 3;
        let path_at = path_at + signed[path_at..].find('/').unwrap();
        let moved = format!("{}/x{}", &signed[..path_at], &signed[path_at + 1..]);
        assert!(!verify_url(&moved, &public), "{name}: another path");
    }
}

#[test]
fn a_pkcs8_key_signs_the_same() {
    use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
    let pem = std::fs::read_to_string("tests/vectors/cloudfront_test_key.pem").unwrap();
    let private =
        <rsa::RsaPrivateKey as rsa::pkcs1::DecodeRsaPrivateKey>::from_pkcs1_pem(&pem).unwrap();
    let pkcs8 = private.to_pkcs8_pem(Default::default()).unwrap();
    assert!(rsa::RsaPrivateKey::from_pkcs8_pem(&pkcs8).is_ok());
    let from_pkcs8 = CloudFrontKey::from_pem(KEY_ID, &pkcs8).unwrap();
    let policy = CloudFrontPolicy::new(at(1_811_851_200), None, None);
    let url = "https://d111111abcdef8.cloudfront.net/x";
    assert_eq!(
        sign_url(url, &from_pkcs8, &policy, now()).unwrap(),
        sign_url(url, &key(), &policy, now()).unwrap()
    );
}

#[test]
fn links_that_could_never_work_are_refused() {
    let key = key();
    let url = "https://d111111abcdef8.cloudfront.net/x";
    let past = CloudFrontPolicy::new(now() - Duration::from_secs(1), None, None);
    assert_eq!(
        sign_url(url, &key, &past, now()),
        Err(CloudFrontError::InPast)
    );
    let never = CloudFrontPolicy::new(at(1_811_851_200), Some(at(1_811_851_300)), None);
    assert_eq!(
        sign_url(url, &key, &never, now()),
        Err(CloudFrontError::NeverValid)
    );
    let bad_ip = CloudFrontPolicy::new(at(1_811_851_200), None, Some("10.0.0.0/40".into()));
    assert!(matches!(
        sign_url(url, &key, &bad_ip, now()),
        Err(CloudFrontError::BadIpRange(_))
    ));
    assert!(matches!(
        sign_url("ftp://x/y", &key, &past, now()),
        Err(CloudFrontError::BadUrl(_))
    ));
}

#[test]
fn a_key_that_is_not_an_rsa_pem_is_refused_without_echoing_it() {
    let secret_looking =
        "-----BEGIN RSA PRIVATE KEY-----\nTOPSECRETBYTES\n-----END RSA PRIVATE KEY-----";
    let error = CloudFrontKey::from_pem(KEY_ID, secret_looking).unwrap_err();
    assert!(matches!(error, CloudFrontError::BadKey(_)));
    assert!(!error.to_string().contains("TOPSECRET"), "{error}");
    assert_eq!(
        CloudFrontKey::from_pem("  ", secret_looking).unwrap_err(),
        CloudFrontError::NoKeyId
    );
    let debug = format!("{:?}", key());
    assert!(
        !debug.contains("BEGIN") && debug.contains("****"),
        "{debug}"
    );
}
