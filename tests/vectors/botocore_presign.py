#!/usr/bin/env python3
"""Computes, with botocore, the pre-signed URLs that tests/signing_vectors.rs expects.

botocore is the independent implementation: it signs the same request aws-sdk-s3 builds
(regional virtual-hosted endpoint, `x-id=GetObject` / `x-id=PutObject` in the query, the AWS
documentation's example keys) at a pinned time. Run it with boto3 installed
(`pip install boto3`) and paste its output into the test when the vectors change:

    python3 tests/vectors/botocore_presign.py
"""
import datetime
import json
from unittest import mock

import botocore
import botocore.auth
import botocore.session
from botocore.config import Config

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PINNED = datetime.datetime(2013, 5, 24, 0, 0, 0)

KEYS = [
    "test.txt",
    "a b/c+d~e%f.txt",
    "q?a#b&c=d.bin",
    "ünïcødé/日本語 🎉.png",
    "/leading//double/slash/",
    "!$'()*,;:@[]",
]


def x_id_adder(operation):
    # aws-sdk-s3 puts x-id first in the query; its place changes the URL, not the signature.
    def add(request, **kwargs):
        base, _, query = request.url.partition("?")
        request.url = f"{base}?x-id={operation}" + (f"&{query}" if query else "")

    return add


def client(region, path_style):
    session = botocore.session.get_session()
    return session.create_client(
        "s3",
        region_name=region,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(
            signature_version="s3v4",
            s3={
                "addressing_style": "path" if path_style else "virtual",
                "us_east_1_regional_endpoint": "regional",
            },
        ),
    )


def presign(operation, method, bucket, key, region="us-east-1", path_style=False, **extra):
    s3 = client(region, path_style)
    s3.meta.events.register(f"before-sign.s3.{operation}", x_id_adder(operation))
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: PINNED):
        return s3.generate_presigned_url(
            method,
            Params={"Bucket": bucket, "Key": key, **extra},
            ExpiresIn=86400,
        )


vectors = []
for key in KEYS:
    vectors.append(("GET", "examplebucket", key, presign("GetObject", "get_object", "examplebucket", key)))
vectors.append((
    "GET+disposition",
    "examplebucket",
    "test.txt",
    presign(
        "GetObject", "get_object", "examplebucket", "test.txt",
        ResponseContentDisposition='attachment; filename="r_sum_.pdf"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.pdf',
        ResponseContentType="application/pdf",
    ),
))
vectors.append(("PUT", "examplebucket", "up load/ü.txt", presign("PutObject", "put_object", "examplebucket", "up load/ü.txt")))
vectors.append(("GET eu-west-1 path-style", "my.dotted.bucket", "k.txt",
                presign("GetObject", "get_object", "my.dotted.bucket", "k.txt", region="eu-west-1", path_style=True)))
# One version of an object: `versionId` signed in, after the response overrides as aws-sdk-s3
# puts it (an S3-like id, with the `+`, `/` and `=` that need encoding).
VERSION_ID = "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo="
vectors.append(("GET version", "examplebucket", "a b/ü.txt",
                presign("GetObject", "get_object", "examplebucket", "a b/ü.txt", VersionId=VERSION_ID)))
vectors.append(("GET version+type", "examplebucket", "test.txt",
                presign("GetObject", "get_object", "examplebucket", "test.txt",
                        ResponseContentType="text/plain", VersionId=VERSION_ID)))


# Public (unsigned) links: botocore's URL for the same request with no signature, the address
# and the key's encoding that a public link shares with signed ones.
def unsigned(bucket, key, region="us-east-1", path_style=False):
    session = botocore.session.get_session()
    s3 = session.create_client(
        "s3",
        region_name=region,
        config=Config(
            signature_version=botocore.UNSIGNED,
            s3={
                "addressing_style": "path" if path_style else "virtual",
                "us_east_1_regional_endpoint": "regional",
            },
        ),
    )
    return s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key})


for key in KEYS:
    vectors.append(("PUBLIC", "examplebucket", key, unsigned("examplebucket", key)))
vectors.append(("PUBLIC eu-west-1 path-style", "my.dotted.bucket", "a b/ü.txt",
                unsigned("my.dotted.bucket", "a b/ü.txt", region="eu-west-1", path_style=True)))
print(json.dumps(vectors, indent=1, ensure_ascii=False))
