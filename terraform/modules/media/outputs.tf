output "bucket" {
  description = "Name of the media bucket (ZAPGATE_S3_BUCKET)"
  value       = aws_s3_bucket.media.bucket
}

output "bucket_arn" {
  description = "ARN of the media bucket"
  value       = aws_s3_bucket.media.arn
}
