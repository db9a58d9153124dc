#!/usr/bin/env python3
"""Computes, with botocore's CloudFrontSigner, the signed URLs tests/cloudfront.rs expects.

botocore is the independent implementation; `cryptography` signs (RSA, SHA-1, PKCS#1 v1.5,
which is deterministic, so the URLs are byte-equal). The key is a test key made for this file
(tests/vectors/cloudfront_test_key.pem), trusted by nothing. Run it and paste its output into
the test when the vectors change:

    python3 tests/vectors/botocore_cloudfront.py
"""
import datetime
import json
import pathlib

from botocore.signers import CloudFrontSigner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

KEY_FILE = pathlib.Path(__file__).with_name("cloudfront_test_key.pem")
KEY_ID = "K2JCJMDEHXQW5F"

private_key = serialization.load_pem_private_key(KEY_FILE.read_bytes(), password=None)


def rsa_signer(message):
    return private_key.sign(message, padding.PKCS1v15(), hashes.SHA1())


signer = CloudFrontSigner(KEY_ID, rsa_signer)
UTC = datetime.timezone.utc
EXPIRES = datetime.datetime(2027, 6, 1, 12, 0, 0, tzinfo=UTC)
NOT_BEFORE = datetime.datetime(2026, 12, 1, 8, 30, 0, tzinfo=UTC)

CASES = [
    ("canned", "https://d111111abcdef8.cloudfront.net/reports/2026/q3%20results.pdf", None, None),
    ("canned with query", "https://d111111abcdef8.cloudfront.net/a%2Bb~c.txt?v=2", None, None),
    ("custom, not before", "https://d111111abcdef8.cloudfront.net/%C3%BC/%E6%97%A5.png", NOT_BEFORE, None),
    ("custom, IP range", "https://d111111abcdef8.cloudfront.net/docs/a.pdf", None, "192.0.2.0/24"),
    ("custom, lone address and start", "http://cdn.example.com/x", NOT_BEFORE, "198.51.100.7"),
]

vectors = []
for name, url, not_before, ip in CASES:
    if not_before is None and ip is None:
        signed = signer.generate_presigned_url(url, date_less_than=EXPIRES)
    else:
        policy = signer.build_policy(url, EXPIRES, date_greater_than=not_before, ip_address=ip)
        signed = signer.generate_presigned_url(url, policy=policy)
    vectors.append(
        {
            "name": name,
            "url": url,
            "expires": int(EXPIRES.timestamp()),
            "not_before": int(not_before.timestamp()) if not_before else None,
            "ip": ip,
            "signed": signed,
        }
    )
print(json.dumps(vectors, indent=2))
