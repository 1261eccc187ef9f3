variable "name" {
  description = "Name prefix of every resource"
  type        = string
}

variable "region" {
  description = "AWS region (for the S3 gateway endpoint's service name)"
  type        = string
}

variable "cidr" {
  description = "CIDR block of the VPC (a /16 leaves room for /20 private subnets)"
  type        = string
  default     = "10.40.0.0/16"
}

variable "az_count" {
  description = "Availability zones used (3 gives the NATS cluster one node per zone)"
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6
    error_message = "az_count must be between 2 and 6."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper; egress stops if its zone fails) instead of one per zone"
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow-log group"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the VPC flow logs, in days"
  type        = number
  default     = 365
}
