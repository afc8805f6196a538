package io.regcache.it;

import org.eclipse.jetty.deploy.App;
import org.jboss.arquillian.container.spi.event.container.AfterUnDeploy;
import org.jboss.arquillian.core.api.Instance;
import org.jboss.arquillian.core.api.annotation.Inject;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Works around a defect of the Jetty 12 Arquillian adapter (2.0.0.Final): every ROOT.war is
 * exported to the same file, Jetty's DeploymentManager finds apps by that path, and the adapter
 * never removes an undeployed app. From the second test class on, "undeploy" found the first,
 * long-gone app and left the current one running, so later classes talked to an earlier mirror.
 * Removing each app from the DeploymentManager once it is undeployed keeps the paths unique.
 *
 * <p>Jetty only: on another container (the Tomcat run, whose test classpath has no Jetty at all)
 * the observer is not registered, so nothing here loads a Jetty class; and were both adapters
 * present, a deployment without a Jetty {@code App} is left alone. Tomcat's adapter needs no such
 * help: it unmanages the context and deletes ROOT.war and its unpacked directory on undeploy.
 */
public final class ForgetUndeployedApps implements LoadableExtension {
    private static final String JETTY_APP = "org.eclipse.jetty.deploy.App";

    @Override
    public void register(ExtensionBuilder builder) {
        if (jettyPresent()) {
            builder.observer(Forgetter.class);
        }
    }

    private static boolean jettyPresent() {
        try {
            Class.forName(JETTY_APP, false, ForgetUndeployedApps.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public static final class Forgetter {
        @Inject
        private Instance<App> app;

        public void afterUndeploy(@Observes AfterUnDeploy event) {
            App undeployed = app.get();
            if (undeployed != null && undeployed.getDeploymentManager() != null) {
                undeployed.getDeploymentManager().removeApp(undeployed);
            }
        }
    }
}
