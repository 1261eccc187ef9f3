# The media bucket (ZAPGATE_MEDIA_STORE=s3): private, KMS-encrypted, TLS only, objects reached only through
# pre-signed URLs that the api and worker tasks sign with their task role. Objects expire after the same
# number of days as ZAPGATE_MEDIA_RETENTION_S (the app's retention job deletes them too; the lifecycle rule
# is the backstop for anything it missed).

resource "aws_s3_bucket" "media" {
  #checkov:skip=CKV_AWS_144:media expires after the retention period and is re-downloadable from WhatsApp; cross-region replication is an operator's choice (add a replication rule and a second bucket)
  #checkov:skip=CKV2_AWS_62:nothing consumes media bucket events; zapgate writes and reads objects itself
  bucket_prefix = "${var.name}-media-"
  force_destroy = false
}

resource "aws_s3_bucket_public_access_block" "media" {
  bucket                  = aws_s3_bucket.media.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "media" {
  bucket = aws_s3_bucket.media.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "media" {
  bucket = aws_s3_bucket.media.id

  rule {
    id     = "media-retention"
    status = "Enabled"
    filter {
      prefix = var.prefix
    }
    expiration {
      days = var.retention_days
    }
    # Versioning keeps a deleted object as a noncurrent version: gone one day later.
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_s3_bucket_logging" "media" {
  bucket        = aws_s3_bucket.media.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${aws_s3_bucket.media.bucket}/"
}

data "aws_iam_policy_document" "media" {
  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.media.arn, "${aws_s3_bucket.media.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "media" {
  bucket = aws_s3_bucket.media.id
  policy = data.aws_iam_policy_document.media.json

  depends_on = [aws_s3_bucket_public_access_block.media]
}
