"""The pages (placeholder)."""
from fastapi import APIRouter, Request

router = APIRouter()


def error_page(request: Request, problem) -> str:  # noqa: ANN001
    return f"<!doctype html><title>{problem.status}</title><p>{problem.detail}</p>"
