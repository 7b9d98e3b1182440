# The provider this module uses and the oldest release it is checked against; the root module pins the versions.
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 7.45"
    }
  }
}
