"""Unités organisationnelles: the tenant's tree (directions, services, sous-ordonnateurs).

Perimeters of habilitations are subtrees of this tree (ADR 0002).
"""
