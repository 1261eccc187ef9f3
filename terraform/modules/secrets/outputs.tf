output "app_secret_arns" {
  description = "Secrets Manager ARN of ZAPGATE_SECRET_KEY, ZAPGATE_PARTNER_TOKEN and ZAPGATE_CLIENT_TOKEN, by variable"
  value       = { for k, s in aws_secretsmanager_secret.app : k => s.arn }
}

output "nats_password_secret_arn" {
  description = "Secrets Manager ARN of the NATS password"
  value       = aws_secretsmanager_secret.nats_password.arn
}

output "database_password" {
  description = "Master password of the RDS instance"
  value       = random_password.database.result
  sensitive   = true
}

output "redis_auth_token" {
  description = "AUTH token of the ElastiCache replication group"
  value       = random_password.redis.result
  sensitive   = true
}

output "nats_password" {
  description = "Password of the NATS user"
  value       = random_password.nats.result
  sensitive   = true
}
