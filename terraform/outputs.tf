output "alb_dns_name" {
  description = "DNS name of the load balancer: point public_host here (CNAME or alias)"
  value       = module.alb.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias record"
  value       = module.alb.zone_id
}

output "base_url" {
  description = "Base URL partners call"
  value       = "https://${var.public_host}"
}

output "ecs_cluster" {
  description = "ECS cluster of the roles"
  value       = module.app.cluster_name
}

output "ecs_services" {
  description = "ECS service of each role (aws ecs update-service --cluster <ecs_cluster> --service <name>)"
  value       = module.app.services
}

output "log_groups" {
  description = "CloudWatch log group of each role"
  value       = module.app.log_groups
}

output "database_instance" {
  description = "RDS instance identifier (restores, failovers)"
  value       = module.database.instance_id
}

output "redis_endpoint" {
  description = "ElastiCache primary endpoint"
  value       = module.redis.primary_endpoint
}

output "nats_instances" {
  description = "EC2 instance of each NATS node (aws ssm start-session --target <id>)"
  value       = module.nats.instance_ids
}

output "media_bucket" {
  description = "S3 media bucket"
  value       = module.media.bucket
}

output "secret_arns" {
  description = "Secrets Manager ARN of every secret the roles read, by variable"
  value = merge(module.secrets.app_secret_arns, module.database.secret_arns, module.redis.secret_arns,
  module.nats.secret_arns)
}

output "amp_query_endpoint" {
  description = "Amazon Managed Prometheus query endpoint (Grafana data source with SigV4); null without AMP"
  value       = module.monitoring.amp_query_endpoint
}

output "alert_topic_arn" {
  description = "SNS topic of the alerts; subscribe to it"
  value       = module.monitoring.alert_topic_arn
}
