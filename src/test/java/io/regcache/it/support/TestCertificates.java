package io.regcache.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate it signed for {@code 127.0.0.1}
 * and {@code localhost}, written as PEM files into a directory the caller owns:
 * {@code ca/ca.crt} (the CA, alone in the directory layout skopeo's {@code --cert-dir} and
 * containers' {@code certs.d} expect), {@code server.crt} (server certificate followed by the CA, as nginx's
 * {@code ssl_certificate} wants the chain) and {@code server.key} (PKCS#8). Generated fresh for
 * every test run; EC P-256 keys, valid for a day.
 */
public final class TestCertificates {
    private final X509Certificate ca;
    private final Path caFile;
    private final Path chainFile;
    private final Path keyFile;

    private TestCertificates(X509Certificate ca, Path caFile, Path chainFile, Path keyFile) {
        this.ca = ca;
        this.caFile = caFile;
        this.chainFile = chainFile;
        this.keyFile = keyFile;
    }

    /** Generates the CA and the server certificate into {@code dir} (created if missing). */
    public static TestCertificates generate(Path dir) {
        try {
            Files.createDirectories(dir);
            Instant now = Instant.now();
            Date from = Date.from(now.minus(1, ChronoUnit.HOURS));
            Date to = Date.from(now.plus(1, ChronoUnit.DAYS));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

            KeyPair caKeys = ecKeyPair();
            X500Name caName = new X500Name("CN=regcache-it test CA");
            JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, to, caName,
                    caKeys.getPublic());
            caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            caBuilder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = sign(caBuilder, caKeys);

            KeyPair serverKeys = ecKeyPair();
            JcaX509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(ca, serial(), from, to,
                    new X500Name("CN=127.0.0.1"), serverKeys.getPublic());
            serverBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            serverBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            serverBuilder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            serverBuilder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            serverBuilder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            X509Certificate server = sign(serverBuilder, caKeys);

            // the CA alone in its own directory: skopeo reads every *.key in a --cert-dir as half of a
            // client certificate, so the server's key must not be next to it
            Path caFile = Files.createDirectories(dir.resolve("ca")).resolve("ca.crt");
            Path chainFile = dir.resolve("server.crt");
            Path keyFile = dir.resolve("server.key");
            Files.writeString(caFile, pem("CERTIFICATE", ca.getEncoded()));
            Files.writeString(chainFile, pem("CERTIFICATE", server.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
            return new TestCertificates(ca, caFile, chainFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate test certificates", e);
        }
    }

    /** The directory holding {@code ca.crt}: skopeo's {@code --src-cert-dir}. */
    public Path certDir() {
        return caFile.getParent();
    }

    /** Server certificate and CA (PEM): nginx's {@code ssl_certificate}. */
    public Path chainFile() {
        return chainFile;
    }

    /** The server's private key (PKCS#8 PEM): nginx's {@code ssl_certificate_key}. */
    public Path keyFile() {
        return keyFile;
    }

    /** An SSL context that trusts this CA and nothing else. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("regcache-it-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        return gen.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }
}
