# A function with the lambda-redact layer attached; its logs reach a Firehose delivery stream
# redacted, and from there an S3 bucket encrypted with a customer-managed KMS key. The function's
# role can do exactly firehose:PutRecordBatch on that one stream: no CloudWatch Logs permissions,
# so the raw logs never reach CloudWatch (the Telemetry API still delivers them to the extension).

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws     = { source = "hashicorp/aws", version = ">= 5.40" }
    archive = { source = "hashicorp/archive", version = ">= 2.4" }
  }
}

variable "layer_zip" {
  description = "The layer zip built by `cargo run -p layer -- build --out dist`."
  type        = string
  default     = "../../../dist/lambda-redact-0.1.0-x86_64.zip"
}

variable "architecture" {
  type    = string
  default = "x86_64"
  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "x86_64 or arm64"
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_kms_key" "logs" {
  description         = "Encrypts redacted logs in Firehose and S3"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_s3_bucket" "access_logs" {
  # checkov:skip=CKV_AWS_18:This bucket receives the log bucket's access logs; logging it would recurse.
  # checkov:skip=CKV_AWS_144:Cross-region replication is a deployment choice, not the example's.
  # checkov:skip=CKV2_AWS_62:No consumer listens for object events in the example.
  # checkov:skip=CKV2_AWS_61:Retention is the owner's policy; see the data-classification guide.
  bucket_prefix = "redacted-logs-access-"
}

resource "aws_s3_bucket" "logs" {
  # checkov:skip=CKV_AWS_144:Cross-region replication is a deployment choice, not the example's.
  # checkov:skip=CKV2_AWS_62:No consumer listens for object events in the example.
  # checkov:skip=CKV2_AWS_61:Retention is the owner's policy; see the data-classification guide.
  bucket_prefix = "redacted-logs-"
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration { status = "Enabled" }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.logs.arn
    }
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.logs.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "logs" {
  bucket        = aws_s3_bucket.logs.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "redacted-logs/"
}

resource "aws_iam_role" "delivery" {
  name_prefix = "redacted-logs-delivery-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "firehose.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = data.aws_caller_identity.current.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "delivery" {
  role = aws_iam_role.delivery.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"]
        Resource = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.logs.arn
      },
    ]
  })
}

resource "aws_kinesis_firehose_delivery_stream" "logs" {
  name        = "redacted-logs"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = aws_kms_key.logs.arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.delivery.arn
    bucket_arn          = aws_s3_bucket.logs.arn
    prefix              = "redacted/"
    error_output_prefix = "errors/"
    compression_format  = "GZIP"
    buffering_interval  = 60
    buffering_size      = 5
    kms_key_arn         = aws_kms_key.logs.arn
  }
}

resource "aws_lambda_layer_version" "lambda_redact" {
  layer_name               = "lambda-redact"
  filename                 = var.layer_zip
  source_code_hash         = filebase64sha256(var.layer_zip)
  compatible_architectures = [var.architecture]
}

resource "aws_iam_role" "function" {
  name_prefix = "orders-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

# Exactly one permission; no logs:* so that the raw logs stay out of CloudWatch Logs.
resource "aws_iam_role_policy" "function" {
  role = aws_iam_role.function.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "firehose:PutRecordBatch"
      Resource = aws_kinesis_firehose_delivery_stream.logs.arn
    }]
  })
}

data "archive_file" "function" {
  type        = "zip"
  output_path = "${path.module}/function.zip"
  source {
    filename = "index.py"
    content  = <<-PY
      import logging
      logger = logging.getLogger()
      logger.setLevel(logging.INFO)
      def handler(event, context):
          # Lands in S3 as "charging [REDACTED:credit_card] for [REDACTED:email]".
          logger.info("charging %s for %s", event.get("card"), event.get("email"))
          return {"ok": True}
    PY
  }
}

resource "aws_lambda_function" "orders" {
  # checkov:skip=CKV_AWS_116:An example function invoked synchronously; a DLQ is the caller's choice.
  # checkov:skip=CKV_AWS_117:The example needs no VPC; attaching one does not change the extension.
  # checkov:skip=CKV_AWS_173:The variables hold a stream name, no secret; a customer key would need kms:Decrypt in a role that may only PutRecordBatch.
  # checkov:skip=CKV_AWS_272:Code signing is the deployer's pipeline, not the example's.
  # checkov:skip=CKV_AWS_50:X-Ray would need permissions beyond PutRecordBatch.
  function_name                  = "orders"
  role                           = aws_iam_role.function.arn
  runtime                        = "python3.12"
  handler                        = "index.handler"
  filename                       = data.archive_file.function.output_path
  source_code_hash               = data.archive_file.function.output_base64sha256
  architectures                  = [var.architecture]
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 10
  layers                         = [aws_lambda_layer_version.lambda_redact.arn]

  logging_config {
    log_format = "JSON"
  }

  environment {
    variables = {
      LAMBDA_REDACT_SINK            = "firehose"
      LAMBDA_REDACT_FIREHOSE_STREAM = aws_kinesis_firehose_delivery_stream.logs.name
    }
  }
}

output "delivery_stream" {
  value = aws_kinesis_firehose_delivery_stream.logs.name
}

output "log_bucket" {
  value = aws_s3_bucket.logs.bucket
}
