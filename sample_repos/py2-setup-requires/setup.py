# -*- coding: utf-8 -*-
"""Packaging for the inventory service; the version comes from git tags."""
import io

from setuptools import find_packages, setup

with io.open("README.md", encoding="utf-8") as handle:
    long_description = handle.read()

setup(
    name="inventory-service",
    use_scm_version=True,
    description="Stock levels for the warehouse team",
    long_description=long_description,
    packages=find_packages(exclude=["tests"]),
    include_package_data=True,
    setup_requires=["setuptools_scm"],
    install_requires=[
        "Flask==1.1.4",
        "itsdangerous==1.1.0",
        "Jinja2==2.11.3",
        "MarkupSafe==1.1.1",
        "gunicorn==19.10.0",
        "six==1.16.0",
    ],
    classifiers=[
        "Programming Language :: Python :: 2.7",
        "Programming Language :: Python :: 3",
    ],
)
