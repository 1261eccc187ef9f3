output "address" {
  description = "Host name of the instance"
  value       = aws_db_instance.this.address
}

output "instance_id" {
  description = "Identifier of the RDS instance (for restores and alarms)"
  value       = aws_db_instance.this.identifier
}

output "secret_arns" {
  description = "Secrets Manager ARN of ZAPGATE_DATABASE_URL and ZAPGATE_NEONIZE_DATABASE_URL, by variable"
  value       = { for k, s in aws_secretsmanager_secret.url : k => s.arn }
}
