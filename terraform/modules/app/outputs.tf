output "cluster_name" {
  description = "ECS cluster name"
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN"
  value       = aws_ecs_cluster.this.arn
}

output "services" {
  description = "ECS service name of each role"
  value       = { for k, m in module.role : k => m.service_name }
}

output "task_families" {
  description = "Task definition family of each role"
  value       = { for k, m in module.role : k => m.task_family }
}

output "log_groups" {
  description = "CloudWatch log group of each role"
  value       = { for k, m in module.role : k => m.log_group }
}

output "task_role_arn" {
  description = "Role the zapgate processes run as"
  value       = aws_iam_role.task.arn
}
