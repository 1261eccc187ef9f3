variable "name" {
  description = "Name prefix (the key's alias is alias/<name>)"
  type        = string
}

variable "deletion_window_days" {
  description = "Days a scheduled key deletion can still be cancelled"
  type        = number
  default     = 30
}
