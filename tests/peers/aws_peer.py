#!/usr/bin/env python3
"""Set up and read the AWS side of the end-to-end tests, against moto_server.

  aws_peer.py ENDPOINT create-stream STREAM BUCKET
  aws_peer.py ENDPOINT dump BUCKET            (every object's bytes, oldest first, to stdout)
  aws_peer.py ENDPOINT put-secret NAME VALUE
  aws_peer.py ENDPOINT put-parameter NAME VALUE
"""
import sys

import boto3


def client(service, endpoint):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def main(endpoint, command, *args):
    if command == "create-stream":
        stream, bucket = args
        client("s3", endpoint).create_bucket(Bucket=bucket)
        client("firehose", endpoint).create_delivery_stream(
            DeliveryStreamName=stream,
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/firehose",
                "BucketARN": f"arn:aws:s3:::{bucket}",
                # Without it the Rust SDK rejects moto's stream description.
                "CompressionFormat": "UNCOMPRESSED",
                "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
            },
        )
    elif command == "dump":
        (bucket,) = args
        s3 = client("s3", endpoint)
        objects = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            objects.extend(page.get("Contents", []))
        objects.sort(key=lambda o: (o["LastModified"], o["Key"]))
        out = sys.stdout.buffer
        for obj in objects:
            out.write(s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read())
        out.flush()
    elif command == "put-secret":
        name, value = args
        client("secretsmanager", endpoint).create_secret(Name=name, SecretString=value)
    elif command == "put-parameter":
        name, value = args
        client("ssm", endpoint).put_parameter(Name=name, Value=value, Type="SecureString")
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
