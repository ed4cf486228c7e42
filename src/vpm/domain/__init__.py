"""Typed models of the show and one EntitySpec per entity (see ``registry``)."""
