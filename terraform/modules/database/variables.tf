variable "name" {
  description = "Identifier of the RDS instance and name prefix"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the DB subnet group"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the instance (5432 from the roles only)"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights and the URL secrets"
  type        = string
}

variable "password" {
  description = "Master password (letters and digits)"
  type        = string
  sensitive   = true
}

variable "major_version" {
  description = "Postgres major version (minor versions are upgraded in the maintenance window)"
  type        = string
  default     = "16"
}

variable "instance_class" {
  description = "RDS instance class"
  type        = string
  default     = "db.m6g.large"
}

variable "allocated_storage_gb" {
  description = "Initial storage, in GiB"
  type        = number
  default     = 100
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling, in GiB"
  type        = number
  default     = 1000
}

variable "multi_az" {
  description = "Synchronous standby in a second zone with automatic failover"
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time restore window)"
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (turn off deliberately before a destroy)"
  type        = bool
  default     = true
}

variable "recovery_window_days" {
  description = "Days a deleted URL secret can still be restored"
  type        = number
  default     = 30
}
