output "alb" {
  description = "Security group of the load balancer"
  value       = aws_security_group.alb.id
}

output "roles" {
  description = "Security group of each role's tasks: api, worker, dispatch"
  value       = { for k, sg in aws_security_group.role : k => sg.id }
}

output "database" {
  description = "Security group of RDS"
  value       = aws_security_group.database.id
}

output "redis" {
  description = "Security group of ElastiCache"
  value       = aws_security_group.redis.id
}

output "nats" {
  description = "Security group of the NATS nodes"
  value       = aws_security_group.nats.id
}

output "collector" {
  description = "Security group of the metrics collector"
  value       = aws_security_group.collector.id
}
