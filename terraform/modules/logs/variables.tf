variable "name" {
  description = "Name prefix of the bucket"
  type        = string
}

variable "retention_days" {
  description = "Days access logs are kept"
  type        = number
  default     = 365
}
