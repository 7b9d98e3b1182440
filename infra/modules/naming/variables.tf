variable "prefix" {
  description = "Short name of the deployment (for example \"genkit\"). Lower-cased and sanitised; must start with a letter."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]*$", var.prefix)) && length(var.prefix) >= 2 && length(var.prefix) <= 63
    error_message = "prefix must start with a letter, be 2 to 63 characters, and use only letters, digits, '-' and '_'."
  }
}

variable "environment" {
  description = "Optional environment suffix (for example \"prod\"); empty for none."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]*$", var.environment))
    error_message = "environment may use only letters, digits, '-' and '_'."
  }
}
