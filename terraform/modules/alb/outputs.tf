output "dns_name" {
  description = "DNS name of the load balancer (point the public host name's CNAME or alias here)"
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 zone of the load balancer (for an alias record)"
  value       = aws_lb.this.zone_id
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension)"
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn" {
  description = "Target group of the api tasks"
  value       = aws_lb_target_group.api.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the api target group (request-count scaling)"
  value       = aws_lb_target_group.api.arn_suffix
}
