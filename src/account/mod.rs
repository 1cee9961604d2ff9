//! A user's own account: signing in and out, who am I (`/me`) and changing one's password. The
//! token and permission machinery it uses lives in `auth`, below every area.

pub mod http;
