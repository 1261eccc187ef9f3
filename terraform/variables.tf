variable "name" {
  description = "Name of the deployment: prefixes every resource (lowercase letters, digits and -)"
  type        = string
  default     = "zapgate"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name))
    error_message = "name must be 3 to 21 lowercase letters, digits or -, starting with a letter."
  }
}

variable "aws_region" {
  description = "AWS region of the deployment"
  type        = string
  default     = "us-east-1"
}

variable "tags" {
  description = "Extra tags on every resource"
  type        = map(string)
  default     = {}
}

variable "image" {
  description = "zapgate image (docker/Dockerfile) in a registry the tasks can pull, e.g. <account>.dkr.ecr.<region>.amazonaws.com/zapgate@sha256:…"
  type        = string
}

variable "public_host" {
  description = "Host name partners call (https://<public_host>); point it at the alb_dns_name output"
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for public_host, in aws_region"
  type        = string
}

variable "allowed_cidrs" {
  description = "IPv4 ranges allowed to call the api (443 on the load balancer)"
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC"
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability zones (3: one NATS node per zone)"
  type        = number
  default     = 3
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per zone (cheaper, less available)"
  type        = bool
  default     = false
}

variable "api" {
  description = "api tasks: cpu, memory (MiB), desired_count, min_count, max_count"
  type = object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  })
  default = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 10 }
}

variable "worker" {
  description = "worker tasks: cpu, memory (MiB), desired_count, min_count (2+), max_count"
  type = object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  })
  default = { cpu = 2048, memory = 4096, desired_count = 2, min_count = 2, max_count = 20 }
}

variable "dispatch" {
  description = "dispatch tasks: cpu, memory (MiB), desired_count, min_count, max_count (16 or less)"
  type = object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  })
  default = { cpu = 1024, memory = 2048, desired_count = 2, min_count = 2, max_count = 8 }
}

variable "partner_token" {
  description = "ZAPGATE_PARTNER_TOKEN to keep (e.g. a migrating partner's); generated when null"
  type        = string
  default     = null
  sensitive   = true
}

variable "client_token" {
  description = "ZAPGATE_CLIENT_TOKEN to keep; generated when null"
  type        = string
  default     = null
  sensitive   = true
}

variable "sentry_dsn_secret_arn" {
  description = "Secrets Manager ARN of a ZAPGATE_SENTRY_DSN secret you created (optional)"
  type        = string
  default     = null
}

variable "send_gap_s" {
  description = "ZAPGATE_SEND_GAP_S, the default gap between queued sends"
  type        = string
  default     = "1-3"
}

variable "retention_days" {
  description = "ZAPGATE_RETENTION_DAYS (events, webhooks, messages in Postgres)"
  type        = number
  default     = 30
}

variable "media_retention_days" {
  description = "Days media is kept: ZAPGATE_MEDIA_RETENTION_S (x 86400) and the bucket's expiration rule"
  type        = number
  default     = 30
}

variable "events_max_bytes" {
  description = "ZAPGATE_EVENTS_MAX_BYTES: byte cap of undelivered events (keep well under nats_volume_size_gb)"
  type        = number
  default     = 10737418240
}

variable "db_instance_class" {
  description = "RDS instance class"
  type        = string
  default     = "db.m6g.large"
}

variable "db_allocated_storage_gb" {
  description = "RDS initial storage, in GiB (autoscaled up to 10x)"
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "RDS Multi-AZ standby with automatic failover"
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days of RDS automated backups (point-in-time restore window, 7 to 35)"
  type        = number
  default     = 14
}

variable "redis_node_type" {
  description = "ElastiCache node type"
  type        = string
  default     = "cache.m6g.large"
}

variable "redis_replicas" {
  description = "ElastiCache replicas beside the primary (1+: Multi-AZ failover)"
  type        = number
  default     = 1
}

variable "nats_instance_type" {
  description = "EC2 instance type of the NATS nodes (x86_64)"
  type        = string
  default     = "m6i.large"
}

variable "nats_volume_size_gb" {
  description = "JetStream volume of each NATS node, in GiB"
  type        = number
  default     = 100
}

variable "nats_version" {
  description = "nats-server release on the nodes"
  type        = string
  default     = "2.12.15"
}

variable "nats_sha256" {
  description = "sha256 of nats-server-v<nats_version>-linux-amd64.tar.gz, from the release's SHA256SUMS"
  type        = string
}

variable "enable_amp" {
  description = "Amazon Managed Service for Prometheus: workspace, docs/ops/alerts.yml rules, SNS alert topic"
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group, in days"
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Protect the database and the load balancer from deletion"
  type        = bool
  default     = true
}
