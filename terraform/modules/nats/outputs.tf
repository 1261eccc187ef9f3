output "client_host" {
  description = "Host name clients connect to (every node's address)"
  value       = local.client_fqdn
}

output "node_hosts" {
  description = "Host name of each node"
  value       = local.node_fqdns
}

output "instance_ids" {
  description = "EC2 instance of each node (Session Manager target)"
  value       = aws_instance.node[*].id
}

output "zone_id" {
  description = "Private hosted zone <name>.internal"
  value       = aws_route53_zone.internal.zone_id
}

output "secret_arns" {
  description = "Secrets Manager ARN of ZAPGATE_NATS_URL, by variable"
  value       = { ZAPGATE_NATS_URL = aws_secretsmanager_secret.url.arn }
}
