//! Wire helpers for the restJson1 protocol shared by generated clients and servers.
