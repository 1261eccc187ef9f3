output "amp_workspace_id" {
  description = "Amazon Managed Service for Prometheus workspace (null when enable_amp is false)"
  value       = var.enable_amp ? aws_prometheus_workspace.this[0].id : null
}

output "amp_query_endpoint" {
  description = "Prometheus-compatible endpoint of the workspace (Grafana data source, SigV4)"
  value       = var.enable_amp ? aws_prometheus_workspace.this[0].prometheus_endpoint : null
}

output "alert_topic_arn" {
  description = "SNS topic the alerts go to: subscribe your pager or e-mail to it"
  value       = var.enable_amp ? aws_sns_topic.alerts[0].arn : null
}
