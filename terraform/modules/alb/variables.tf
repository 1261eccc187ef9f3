variable "name" {
  description = "Name of the load balancer and web ACL (its first 6 characters prefix the generated names)"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the target group"
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets of the load balancer"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the load balancer"
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener (for the public host name)"
  type        = string
}

variable "http_port" {
  description = "Port the api tasks listen on"
  type        = number
  default     = 8080
}

variable "deregistration_delay_s" {
  description = "Seconds a stopping api task keeps its in-flight requests before it is dropped from the target group"
  type        = number
  default     = 30
}

variable "access_log_bucket" {
  description = "Bucket of the access logs (SSE-S3)"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the WAF log group"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the WAF log, in days"
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer"
  type        = bool
  default     = true
}
