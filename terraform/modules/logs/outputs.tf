output "bucket" {
  description = "Name of the access-log bucket"
  value       = aws_s3_bucket.logs.bucket
}

output "bucket_arn" {
  description = "ARN of the access-log bucket"
  value       = aws_s3_bucket.logs.arn
}
