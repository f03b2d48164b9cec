//! TLS to the server with rustls (ring's cryptography, which builds for Windows with mingw as
//! well as on Linux), checked as libpq's `sslmode` says:
//!
//! * `disable`: no TLS at all (and never over a Unix socket, as libpq);
//! * `prefer` and `require`: encrypted, the certificate not checked; except that `require` with
//!   a certificate authority's file (given, or in the default place) checks it as `verify-ca`,
//!   as libpq does for compatibility;
//! * `verify-ca`: the certificate must be signed by the authority in the file;
//! * `verify-full`: and must name the server the address names.
//!
//! The authority's file is `sslrootcert`, else libpq's default: `~/.postgresql/root.crt`, or
//! `%APPDATA%\postgresql\root.crt` on Windows.

use super::address::{PgConfig, SslMode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::PathBuf;
use std::sync::Arc;

/// libpq's default place for the certificate authority's file.
pub fn default_root_cert() -> Option<PathBuf> {
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(|a| PathBuf::from(a).join("postgresql").join("root.crt"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql").join("root.crt"))
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls settings for `config`'s sslmode; None for `disable`. Errors are sentences.
pub fn client_config(config: &PgConfig) -> Result<Option<ClientConfig>, String> {
    let root_file = match config.sslmode {
        SslMode::Disable => return Ok(None),
        SslMode::Prefer => None,
        SslMode::Require => config
            .sslrootcert
            .clone()
            .or_else(|| default_root_cert().filter(|p| p.is_file())),
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let file = config.sslrootcert.clone().or_else(default_root_cert);
            match file {
                Some(f) if f.is_file() => Some(f),
                f => {
                    return Err(format!(
                        "sslmode={} needs the certificate of the authority that signed the server's certificate, and {}: put it there, or name its file with sslrootcert=FILE in the address.",
                        config.sslmode.as_str(),
                        match f {
                            Some(f) => format!("there is no file {}", f.display()),
                            None => "no default place for it is known on this PC".into(),
                        }
                    ))
                }
            }
        }
    };
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS could not be set up ({e})."))?;
    let Some(file) = root_file else {
        return Ok(Some(
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(NotChecked))
                .with_no_client_auth(),
        ));
    };
    let mut roots = RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(&file)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| {
            format!(
                "The certificate authority's file {} could not be read ({e}): give a PEM file (it starts -----BEGIN CERTIFICATE-----).",
                file.display()
            )
        })?;
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(format!(
            "The certificate authority's file {} holds no certificate safedesk can use: give a PEM file (it starts -----BEGIN CERTIFICATE-----).",
            file.display()
        ));
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|e| format!("TLS could not be set up ({e})."))?;
    let verifier: Arc<dyn ServerCertVerifier> = if config.sslmode == SslMode::VerifyFull {
        webpki
    } else {
        Arc::new(AnyName(webpki))
    };
    Ok(Some(
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth(),
    ))
}

fn tls12(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    verify_tls12_signature(
        message,
        cert,
        dss,
        &provider().signature_verification_algorithms,
    )
}

fn tls13(
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    verify_tls13_signature(
        message,
        cert,
        dss,
        &provider().signature_verification_algorithms,
    )
}

/// `prefer` and `require` without an authority: encrypted, whoever the server is (libpq's
/// meaning). The handshake's signatures are still checked against the certificate presented.
#[derive(Debug)]
struct NotChecked;

impl ServerCertVerifier for NotChecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls12(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        tls13(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to the authority, whatever name the certificate gives.
/// The name is checked after the chain, so only a name mismatch is let through.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path as a quoted value in an address's key=value form: backslashes (every Windows
    /// path's) and quotes escaped, as libpq reads them.
    fn quoted(p: &std::path::Path) -> String {
        let text = p.display().to_string();
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    fn config(s: &str) -> PgConfig {
        PgConfig::parse_with_user(s, "reception1").unwrap()
    }

    #[test]
    fn disable_has_no_tls_and_prefer_and_require_encrypt() {
        assert!(client_config(&config("postgres://h/d?sslmode=disable"))
            .unwrap()
            .is_none());
        assert!(client_config(&config("postgres://h/d?sslmode=prefer"))
            .unwrap()
            .is_some());
        assert!(client_config(&config("postgres://h/d?sslmode=require"))
            .unwrap()
            .is_some());
    }

    #[test]
    fn verifying_without_the_authority_s_file_is_refused_saying_where_to_put_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("root.crt");
        for mode in ["verify-ca", "verify-full"] {
            let c = config(&format!(
                "host=h dbname=d sslmode={mode} sslrootcert={}",
                quoted(&missing)
            ));
            let e = client_config(&c).unwrap_err();
            assert!(
                e.starts_with(&format!("sslmode={mode} needs the certificate")),
                "{e}"
            );
            assert!(
                e.contains("there is no file") && e.contains("sslrootcert=FILE"),
                "{e}"
            );
        }
        std::fs::write(&missing, "not a certificate\n").unwrap();
        let c = config(&format!(
            "host=h dbname=d sslmode=verify-full sslrootcert={}",
            quoted(&missing)
        ));
        let e = client_config(&c).unwrap_err();
        assert!(e.contains("holds no certificate"), "{e}");
    }
}
