variable "name" {
  description = "Replication group ID and name prefix"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache subnet group"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the nodes (6379 from the roles only)"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for data at rest, the slow log and the URL secret"
  type        = string
}

variable "auth_token" {
  description = "Redis AUTH token (16 to 128 letters and digits)"
  type        = string
  sensitive   = true
}

variable "engine_version" {
  description = "Redis engine version"
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Cache node type"
  type        = string
  default     = "cache.m6g.large"
}

variable "replicas" {
  description = "Replicas beside the primary, in other zones (Multi-AZ automatic failover needs 1+)"
  type        = number
  default     = 1

  validation {
    condition     = var.replicas >= 1 && var.replicas <= 5
    error_message = "replicas must be between 1 and 5 (failover needs a replica)."
  }
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots (0 turns them off)"
  type        = number
  default     = 1
}

variable "log_retention_days" {
  description = "Retention of the slow log, in days"
  type        = number
  default     = 365
}

variable "recovery_window_days" {
  description = "Days a deleted URL secret can still be restored"
  type        = number
  default     = 30
}
