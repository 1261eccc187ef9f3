output "primary_endpoint" {
  description = "Primary endpoint host name"
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "secret_arns" {
  description = "Secrets Manager ARN of ZAPGATE_REDIS_URL, by variable"
  value       = { ZAPGATE_REDIS_URL = aws_secretsmanager_secret.url.arn }
}
