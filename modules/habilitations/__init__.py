"""The tenant admin's pages: members, invitations, habilitations (role × perimeter)."""
