output "service_name" {
  description = "ECS service name"
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "Current task definition revision"
  value       = aws_ecs_task_definition.this.arn
}

output "task_family" {
  description = "Task definition family (<name>-<role>)"
  value       = aws_ecs_task_definition.this.family
}

output "log_group" {
  description = "CloudWatch log group of the role"
  value       = aws_cloudwatch_log_group.this.name
}

output "scaling_resource_id" {
  description = "Application Auto Scaling resource id of the service"
  value       = aws_appautoscaling_target.this.resource_id
}
