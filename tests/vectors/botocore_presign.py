#!/usr/bin/env python3
"""Computes, with botocore, the pre-signed URLs that tests/signing_vectors.rs expects.

botocore is the independent implementation: it signs the same request aws-sdk-s3 builds
(regional virtual-hosted endpoint, `x-id=GetObject` / `x-id=PutObject` in the query, the AWS
documentation's example keys) at a pinned time. Run it with boto3 installed
(`pip install boto3`) and paste its output into the test when the vectors change:

    python3 tests/vectors/botocore_presign.py

With `--endpoint-paths` it prints instead the vectors for endpoints mounted under a path, which
tests/it/signing_vectors.rs reads from a file:

    python3 tests/vectors/botocore_presign.py --endpoint-paths > tests/vectors/endpoint_paths.json
"""
import datetime
import json
import sys
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


def client(region, path_style, endpoint_url=None, session_token=None):
    session = botocore.session.get_session()
    return session.create_client(
        "s3",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_session_token=session_token,
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


def presign(operation, method, bucket, key, region="us-east-1", path_style=False,
            expires_in=86400, endpoint_url=None, session_token=None, **extra):
    s3 = client(region, path_style, endpoint_url, session_token)
    s3.meta.events.register(f"before-sign.s3.{operation}", x_id_adder(operation))
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: PINNED):
        return s3.generate_presigned_url(
            method,
            Params={"Bucket": bucket, "Key": key, **extra},
            ExpiresIn=expires_in,
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
# Links past a week, for a service whose profile allows 30 days (botocore signs any expiry;
# aws-sdk-s3's presigner refuses more than a week, so Pail's own signer makes these).
MONTH = 30 * 86400
LAB = "https://minio.example.com"
vectors.append(("GET 30 days custom endpoint path-style", "lab-bucket", "a b/ü.txt",
                presign("GetObject", "get_object", "lab-bucket", "a b/ü.txt", path_style=True,
                        expires_in=MONTH, endpoint_url=LAB)))
vectors.append(("PUT 30 days custom endpoint path-style", "lab-bucket", "up load/ü.txt",
                presign("PutObject", "put_object", "lab-bucket", "up load/ü.txt", path_style=True,
                        expires_in=MONTH, endpoint_url=LAB, ContentType="text/plain")))
vectors.append(("GET 30 days version+disposition", "lab-bucket", "test.txt",
                presign("GetObject", "get_object", "lab-bucket", "test.txt", path_style=True,
                        expires_in=MONTH, endpoint_url=LAB,
                        ResponseContentDisposition="attachment", VersionId=VERSION_ID)))
# With a session token: botocore writes X-Amz-Security-Token before the signature, aws-sdk-s3
# (and so Pail) after it; the signature and the parameters are the same.
vectors.append(("GET 30 days session token", "lab-bucket", "a b/ü.txt",
                presign("GetObject", "get_object", "lab-bucket", "a b/ü.txt", path_style=True,
                        expires_in=MONTH, endpoint_url=LAB, session_token="SESSION/token+=")))


# A bucket named after its host (`files.example.com`, a CNAME to S3), reached at
# `http://files.example.com/KEY`: S3 finds the bucket from the whole Host header, so the path is
# the key alone. botocore cannot address a bucket that way from an endpoint (it would put the
# bucket in the path or before the endpoint's host), so the same request is signed directly:
# S3SigV4QueryAuth on an AWSRequest for that URL, the operation's own query parameters (x-id
# first, as aws-sdk-s3 orders them) already in it, at the pinned time.
def presign_on_bucket_host(method, key, query, headers=None, region="us-east-1",
                           expires_in=86400, session_token=None):
    from urllib.parse import quote

    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    path = quote(key, safe="/-_.~")
    encoded = "&".join(f"{name}={quote(value, safe='-_.~')}" for name, value in query)
    request = AWSRequest(method=method, url=f"http://files.example.com/{path}?{encoded}",
                         headers=headers or {})
    auth = botocore.auth.S3SigV4QueryAuth(
        Credentials(ACCESS_KEY, SECRET_KEY, session_token), "s3", region, expires=expires_in)
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: PINNED):
        auth.add_auth(request)
    return request.url


vectors.append(("GET bucket-host", "files.example.com", "a b/ü.txt",
                presign_on_bucket_host("GET", "a b/ü.txt", [("x-id", "GetObject")])))
vectors.append(("GET bucket-host disposition+type+version", "files.example.com", "test.txt",
                presign_on_bucket_host("GET", "test.txt", [
                    ("x-id", "GetObject"),
                    ("response-content-disposition", "attachment; filename=\"r.pdf\""),
                    ("response-content-type", "application/pdf"),
                    ("versionId", VERSION_ID),
                ])))
vectors.append(("PUT bucket-host type+no-overwrite", "files.example.com", "up load/ü.txt",
                presign_on_bucket_host("PUT", "up load/ü.txt", [("x-id", "PutObject")],
                                       headers={"Content-Type": "text/plain",
                                                "If-None-Match": "*"})))
vectors.append(("GET bucket-host eu-west-1 session token", "files.example.com", "q?a#b&c=d.bin",
                presign_on_bucket_host("GET", "q?a#b&c=d.bin", [("x-id", "GetObject")],
                                       region="eu-west-1", session_token="SESSION/token+=")))
endpoint_path_vectors = []
# Endpoints mounted under a path (`endpoint_url="http://host/storage/s3"`), with and without the
# trailing `/`, path-style and virtual-hosted (botocore addresses an IP host path-style even when
# asked for virtual-hosted, as aws-sdk-s3 does). Labelled "METHOD ENDPOINT STYLE".
# A path with `%` is left out: botocore encodes it a second time path-style (`a%2520b`) and not
# virtual-hosted, so it has no one right link; Pail refuses such an endpoint.
PATH_ENDPOINTS = [
    "http://127.0.0.1:9000/storage/s3",
    "http://127.0.0.1:9000/storage/s3/",
    "http://host.example/storage/s3",
    "https://host.example/~s3_v-1.0/x/",
]
PATH_KEYS = ["a b/c+d~e%f.txt", "/leading//double/slash/", "ünïcødé/日本語 🎉.png", "q?a#b&c=d.bin"]
for endpoint in PATH_ENDPOINTS:
    for style in ["path", "virtual"]:
        for key in PATH_KEYS:
            for operation, method, verb in [("GetObject", "get_object", "GET"),
                                            ("PutObject", "put_object", "PUT")]:
                endpoint_path_vectors.append((f"{verb} {endpoint} {style}", "bucket-one", key,
                                presign(operation, method, "bucket-one", key,
                                        path_style=style == "path", endpoint_url=endpoint)))
        # The URL a POST form is sent to.
        post = client("us-east-1", style == "path", endpoint).generate_presigned_post(
            "bucket-one", "incoming/${filename}")
        endpoint_path_vectors.append((f"POST {endpoint} {style}", "bucket-one", "", post["url"]))


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


if "--endpoint-paths" in sys.argv[1:]:
    print(json.dumps(endpoint_path_vectors, indent=1, ensure_ascii=False))
else:
    print(json.dumps(vectors, indent=1, ensure_ascii=False))
