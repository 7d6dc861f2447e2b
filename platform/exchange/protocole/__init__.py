"""The exchange protocol v1 (docs/exchange/protocole-v1.md), without Django: manifests,
signatures, record schemas, building and verifying files. The gateway and the Treasury
simulator both use it; neither needs the other's storage."""
