output "vpc_id" {
  description = "ID of the VPC"
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC"
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (the load balancer and NAT gateways only)"
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (ECS tasks, RDS, ElastiCache, NATS nodes), one per zone"
  value       = aws_subnet.private[*].id
}

output "availability_zones" {
  description = "Zones of the subnets, in subnet order"
  value       = local.azs
}
